// Veil consent banner: injected into the widget's pages. Self-contained, no external assets, no
// inline event handlers, text set with textContent only. It talks to /.veil/consent (same origin,
// Veil's HttpOnly cookie) and stores nothing the page or the bot can read.
(function () {
  "use strict";
  if (window.__veilConsent) return;
  window.__veilConsent = true;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    if (text) e.textContent = text;
    return e;
  }

  function send(method, path, body) {
    return fetch(path, {
      method: method, credentials: "same-origin",
      headers: body ? { "Content-Type": "application/json", "X-Veil-Channel": "banner" } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); });
  }

  function render(state) {
    var decided = state.purposes.some(function (p) { return p.required && p.since; });
    if (decided) return;
    var box = el("div", { id: "veil-consent", role: "dialog", "aria-modal": "false",
      "aria-labelledby": "veil-consent-title", "aria-describedby": "veil-consent-text" });
    box.appendChild(el("h2", { id: "veil-consent-title" }, "Privacy — " + state.controller));
    box.appendChild(el("p", { id: "veil-consent-text" }, state.notice));
    var list = el("ul", { "class": "veil-purposes" });
    var toggles = {};
    state.purposes.forEach(function (p) {
      var id = "veil-purpose-" + p.name;
      var li = el("li");
      var cb = el("input", { type: "checkbox", id: id, name: p.name });
      cb.checked = p.required || p.granted;
      if (p.required) { cb.disabled = true; cb.setAttribute("aria-describedby", id + "-req"); }
      toggles[p.name] = cb;
      var label = el("label", { "for": id }, p.name + (p.description ? ": " + p.description : ""));
      li.appendChild(cb);
      li.appendChild(label);
      if (p.required) li.appendChild(el("span", { id: id + "-req", "class": "veil-required" }, " (required to chat)"));
      list.appendChild(li);
    });
    box.appendChild(list);
    if (state.privacy_policy_url) {
      var a = el("a", { href: state.privacy_policy_url, target: "_blank", rel: "noopener" }, "Privacy policy");
      box.appendChild(el("p")).appendChild(a);
    }
    var actions = el("div", { "class": "veil-actions" });
    var accept = el("button", { type: "button", id: "veil-accept" }, "Accept");
    var save = el("button", { type: "button", id: "veil-save" }, "Save choices");
    actions.appendChild(accept);
    actions.appendChild(save);
    box.appendChild(actions);
    var status = el("p", { id: "veil-status", role: "status", "aria-live": "polite" });
    box.appendChild(status);

    // Both buttons record the required purposes and exactly the optional ones the person ticked:
    // nothing optional is ever ticked by default, so silence grants nothing optional.
    function submit() {
      var purposes = {};
      state.purposes.forEach(function (p) {
        purposes[p.name] = p.required ? true : toggles[p.name].checked;
      });
      send("POST", "/.veil/consent", { purposes: purposes }).then(function () {
        box.remove();
      }, function () { status.textContent = "Your choice could not be saved. Please try again."; });
    }
    accept.addEventListener("click", submit);
    save.addEventListener("click", submit);
    document.body.appendChild(box);
    accept.focus();
  }

  function start() {
    send("GET", "/.veil/consent").then(render, function () { /* Veil unavailable: chat is refused anyway */ });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
