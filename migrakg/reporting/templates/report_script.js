// The network map: a node under the mouse pointer or with the keyboard focus highlights itself, its
// neighbours and its relations; the rest fades.
(function () {
  "use strict";
  var svg = document.getElementById("network-map");
  if (!svg) { return; }
  var edges = svg.querySelectorAll(".edge");
  function clear() {
    svg.classList.remove("focus");
    svg.querySelectorAll(".on").forEach(function (el) { el.classList.remove("on"); });
  }
  function highlight(node) {
    clear();
    svg.classList.add("focus");
    node.classList.add("on");
    (node.getAttribute("data-neighbours") || "").split(" ").forEach(function (id) {
      var other = id && document.getElementById(id);
      if (other) { other.classList.add("on"); }
    });
    edges.forEach(function (edge) {
      if (edge.getAttribute("data-source") === node.id || edge.getAttribute("data-target") === node.id) { edge.classList.add("on"); }
    });
  }
  svg.querySelectorAll(".node").forEach(function (node) {
    node.addEventListener("mouseenter", function () { highlight(node); });
    node.addEventListener("mouseleave", clear);
    node.addEventListener("focusin", function () { highlight(node); });
    node.addEventListener("focusout", clear);
  });
})();
