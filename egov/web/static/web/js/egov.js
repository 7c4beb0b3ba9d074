/* 兴安盟一体化电子政务平台 — shell behaviour. Loaded as an external file (CSP forbids inline scripts);
   every page works without it, this only makes it smoother. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // htmx requests carry the CSRF token as a header.
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });

  // Display preference forms (长辈模式, 字号, 高对比度): apply at once without reloading; the server sets the
  // cookies and answers with the classes for <html>. Without JavaScript the form posts and redirects back.
  function applyPreferences(form, submitter, state) {
    var root = document.documentElement;
    ["elder", "contrast", "font-m1", "font-1", "font-2", "font-3"].forEach(function (name) {
      root.classList.remove(name);
    });
    state.classes.split(" ").filter(Boolean).forEach(function (name) { root.classList.add(name); });
    var elder = document.getElementById("elder-toggle");
    var contrast = document.getElementById("contrast-toggle");
    if (elder) {
      elder.setAttribute("aria-pressed", state.elder ? "true" : "false");
      elder.form.querySelector('input[name="value"]').value = state.elder ? "0" : "1";
    }
    if (contrast) {
      contrast.setAttribute("aria-pressed", state.contrast ? "true" : "false");
      contrast.form.querySelector('input[name="value"]').value = state.contrast ? "0" : "1";
    }
    if (submitter) { submitter.focus(); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-pref-form") || !window.fetch) { return; }
    event.preventDefault();
    var submitter = event.submitter || document.activeElement;
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (state) {
      applyPreferences(form, submitter, state);
    }).catch(function () {
      // Fall back to the plain form post, keeping which button was pressed.
      if (submitter && submitter.name) {
        var choice = document.createElement("input");
        choice.type = "hidden";
        choice.name = submitter.name;
        choice.value = submitter.value;
        form.appendChild(choice);
      }
      form.submit();
    });
  });

  // A form that came back with errors: move focus to its error summary so it is read out first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });
})();
