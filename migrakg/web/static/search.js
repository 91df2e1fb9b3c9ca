// The search page on a phone: the results come first; the filter groups below them start folded
// (those with a chosen value stay open). Without this script every group is open.
(function () {
  "use strict";
  if (!window.matchMedia || !window.matchMedia("(max-width: 50rem)").matches) { return; }
  Array.prototype.forEach.call(document.querySelectorAll(".facets details"), function (group) {
    if (!group.hasAttribute("data-selected")) { group.open = false; }
  });
})();
