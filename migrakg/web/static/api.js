// The /api page: Swagger UI over /openapi.json (a file of its own: the site's CSP runs no inline script).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null, // never ask an outside validator
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
