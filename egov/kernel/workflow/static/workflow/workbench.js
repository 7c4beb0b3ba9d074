/* Case page: draw the case's BPMN diagram with bpmn-js (NavigatedViewer) and mark the current and completed
   steps. Data comes from data-* attributes (no inline script: CSP). Without JavaScript the page keeps its
   text timeline and a link to the definition. */
(function () {
  "use strict";

  function ids(value) {
    return (value || "").split(/\s+/).filter(Boolean);
  }

  function fail(container) {
    container.classList.add("wb-diagram-failed");
    var fallback = container.querySelector(".wb-diagram-fallback");
    if (fallback) {
      fallback.textContent = container.dataset.error;
    }
  }

  function mark(viewer, stepIds, marker) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    stepIds.forEach(function (id) {
      if (registry.get(id)) {
        canvas.addMarker(id, marker);
      }
    });
  }

  function draw(container) {
    if (typeof window.BpmnJS !== "function") {
      fail(container);
      return;
    }
    var viewer = null;
    fetch(container.dataset.url, { credentials: "same-origin", headers: { Accept: "application/xml" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (xml) {
        container.classList.add("wb-diagram-ready");
        viewer = new window.BpmnJS({ container: container });
        return viewer.importXML(xml).then(function () {
          var current = ids(container.dataset.current);
          mark(viewer, ids(container.dataset.done).filter(function (id) { return current.indexOf(id) < 0; }), "wb-done");
          mark(viewer, current, "wb-current");
          viewer.get("canvas").zoom("fit-viewport", "auto");
          container.dataset.rendered = "true";
        });
      })
      .catch(function () {
        if (viewer) {
          viewer.destroy();
        }
        container.classList.remove("wb-diagram-ready");
        fail(container);
      });
  }

  function init() {
    document.querySelectorAll("[data-bpmn-diagram]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
