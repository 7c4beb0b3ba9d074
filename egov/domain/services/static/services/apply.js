/* Application wizard: show conditional fields, autosave the draft while typing. No framework, no CDN. */
(function () {
  "use strict";
  function valueOf(form, name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    if (!inputs.length) { return undefined; }
    var input = inputs[0];
    if (input.type === "checkbox") { return input.checked; }
    return input.value;
  }
  function applyConditions(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (box) {
      var current = valueOf(form, box.getAttribute("data-show-if"));
      if (current === undefined) { return; }  // the condition is on another page: the server decides
      var wanted;
      try { wanted = JSON.parse(box.getAttribute("data-equals")); } catch (e) { wanted = box.getAttribute("data-equals"); }
      box.hidden = current !== wanted;
    });
  }
  function autosave(form) {
    var url = form.getAttribute("data-autosave");
    var status = form.querySelector("[data-autosave-status]");
    var timer = null;
    var dirty = false;
    function save() {
      if (!dirty || !window.fetch) { return; }
      dirty = false;
      var data = new FormData(form);
      data.delete("action");
      fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          if (status) { status.textContent = body.message || (body.error && body.error.message) || ""; }
        })
        .catch(function () { if (status) { status.textContent = "自动保存失败，请点击“保存草稿”"; } });
    }
    function later(delay) {
      dirty = true;
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(save, delay);
    }
    form.addEventListener("input", function () { later(2000); });
    // A change fires on leaving a field, also when that is a click on 下一步: wait a moment so the submit,
    // which saves everything itself, can cancel it instead of racing it.
    form.addEventListener("change", function () { later(300); });
    form.addEventListener("submit", function () {
      dirty = false;
      if (timer) { clearTimeout(timer); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      applyConditions(form);
      form.addEventListener("change", function () { applyConditions(form); });
      autosave(form);
    });
  });
})();
