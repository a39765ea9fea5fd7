/*
 * The assistant's live widget. Progressive enhancement only: every form it takes over also
 * works as a plain post. Talks to /api/v1/conversations with the conversation's token.
 * - data-module="pv-assistant-panel": the "Une question ?" panel of every page.
 * - data-module="pv-assistant-thread": the thread page (/assistant/<id>/?t=…).
 * New messages are appended to a list with aria-live="polite", so they are announced.
 */
(function () {
  "use strict";
  if (window.pvAssistant) { return; }  // the panel and the page may both load this file
  window.pvAssistant = true;

  var STORE = "pv-assistant";
  var POLL_MS = 20000;

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function Widget(root, list, controls, state) {
    this.root = root;
    this.list = list;
    this.controls = controls;
    this.id = state.id || "";
    this.token = state.token || "";
    this.timer = null;
    this.list.setAttribute("aria-live", "polite");
  }

  Widget.prototype.label = function (key) {
    return this.root.getAttribute("data-l-" + key) || key;
  };

  Widget.prototype.request = function (method, url, body) {
    var headers = { "Accept": "application/json" };
    if (body) { headers["Content-Type"] = "application/json"; }
    if (this.token) { headers["X-Conversation-Token"] = this.token; }
    return fetch(url, {
      method: method, headers: headers, credentials: "same-origin",
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.error || ""); }
        return data;
      });
    });
  };

  Widget.prototype.url = function (suffix) {
    return this.root.getAttribute("data-api") + "/" + encodeURIComponent(this.id) + (suffix || "");
  };

  Widget.prototype.send = function (body) {
    var self = this;
    var pending;
    if (this.id) {
      pending = this.request("POST", this.url("/messages"), body);
    } else {
      pending = this.request("POST", this.root.getAttribute("data-api"), {
        question: body.text, language: document.documentElement.lang || "fr"
      }).then(function (data) {
        self.id = data.id;
        self.token = data.token;
        try { sessionStorage.setItem(STORE, JSON.stringify({ id: self.id, token: self.token })); } catch (e) { /* private mode */ }
        return data;
      });
    }
    return pending.then(function (data) { self.render(data); }, function (error) {
      self.fail(error.message || self.label("error"));
    });
  };

  Widget.prototype.refresh = function () {
    var self = this;
    if (!this.id) { return Promise.resolve(); }
    return this.request("GET", this.url()).then(function (data) { self.render(data); }, function () {
      try { sessionStorage.removeItem(STORE); } catch (e) { /* ignore */ }
    });
  };

  Widget.prototype.messageItem = function (message) {
    var item = make("li", "pv-thread__item pv-thread__item--" + message.author);
    var author = message.agent ? message.agent.name + ", " + message.agent.role
      : this.label(message.author === "resident" ? "you" : "assistant");
    item.appendChild(make("p", "pv-thread__author", author));
    item.appendChild(make("p", "pv-thread__text", message.text));
    if (message.kind === "answer" && message.sources.length) {
      var source = make("p", "pv-thread__source", this.label("source") + " ");
      message.sources.forEach(function (s) {
        var link = make("a", "", s.title);
        link.href = s.url;
        source.appendChild(link);
      });
      item.appendChild(source);
    }
    return item;
  };

  Widget.prototype.button = function (text, secondary, onClick) {
    var button = make("button", "pv-button" + (secondary ? " pv-button--secondary" : ""), text);
    button.type = "button";
    button.addEventListener("click", onClick);
    return button;
  };

  Widget.prototype.render = function (data) {
    var self = this;
    var shown = this.list.querySelectorAll("li").length;
    data.messages.slice(shown).forEach(function (m) { self.list.appendChild(self.messageItem(m)); });
    this.controls.textContent = "";
    var group = make("div", "pv-assistant__fieldset");
    if (data.awaiting === "feedback") {
      group.appendChild(make("p", "", this.label("helped")));
      group.appendChild(this.button(this.label("yes"), false, function () { self.send({ feedback: "yes" }); }));
      group.appendChild(this.button(this.label("no"), true, function () { self.send({ feedback: "no" }); }));
    }
    data.choices.forEach(function (choice) {
      group.appendChild(self.button(choice, true, function () { self.send({ text: choice }); }));
    });
    if (data.status === "open") {
      group.appendChild(this.button(this.label("human"), data.awaiting !== "offer", function () {
        self.send({ hand_off: true });
      }));
    }
    this.controls.appendChild(group);
    if (data.status !== "closed") { this.controls.appendChild(this.askForm()); }
    this.poll(data.status !== "open" && data.status !== "closed");
  };

  Widget.prototype.askForm = function () {
    var self = this;
    var form = make("form", "pv-assistant__form");
    var id = "pv-assistant-live-" + Math.random().toString(36).slice(2, 8);
    var label = make("label", "pv-field__label", this.label("question"));
    label.htmlFor = id;
    var field = make("textarea", "pv-assistant__input");
    field.id = id;
    field.name = "text";
    field.rows = 2;
    field.maxLength = 2000;
    field.required = true;
    var submit = make("button", "pv-button", this.label("send"));
    submit.type = "submit";
    form.appendChild(label);
    form.appendChild(field);
    form.appendChild(submit);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!field.value.trim()) { return; }
      submit.disabled = true;
      self.send({ text: field.value }).then(function () {
        var next = self.controls.querySelector("textarea");
        if (next) { next.focus(); }
      });
    });
    return form;
  };

  Widget.prototype.fail = function (message) {
    var error = make("p", "pv-assistant__error", message);
    error.setAttribute("role", "alert");
    this.controls.insertBefore(error, this.controls.firstChild);
    var submit = this.controls.querySelector("button[type=submit]");
    if (submit) { submit.disabled = false; }
  };

  Widget.prototype.poll = function (on) {
    var self = this;
    if (on && !this.timer) {
      this.timer = window.setInterval(function () { self.refresh(); }, POLL_MS);
    } else if (!on && this.timer) {
      window.clearInterval(this.timer);
      this.timer = null;
    }
  };

  function initThread(root) {
    var tokenField = root.querySelector("input[name=t]");
    if (!tokenField || !window.fetch) { return; }  // e-mailed links (k=) keep plain forms
    var list = root.querySelector(".pv-thread");
    var controls = make("div", "pv-assistant__live");
    root.querySelectorAll("form[data-module=pv-assistant]").forEach(function (form) { form.remove(); });
    root.appendChild(controls);
    var widget = new Widget(root, list, controls, {
      id: root.getAttribute("data-conversation"), token: tokenField.value
    });
    widget.refresh();
  }

  function initPanel(root) {
    if (!window.fetch) { return; }
    var link = root.querySelector("a");
    var toggle = make("button", "pv-button pv-button--secondary", root.getAttribute("data-l-open"));
    var body = make("div", "pv-assistant-panel__body");
    body.id = "pv-assistant-panel-body";
    body.hidden = true;
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", body.id);
    var list = make("ol", "pv-thread");
    var controls = make("div", "pv-assistant__live");
    body.appendChild(list);
    body.appendChild(controls);
    link.replaceWith(toggle);
    root.appendChild(body);
    var state = {};
    try { state = JSON.parse(sessionStorage.getItem(STORE) || "{}"); } catch (e) { state = {}; }
    var widget = new Widget(root, list, controls, state);
    var started = false;
    toggle.addEventListener("click", function () {
      var open = body.hidden;
      body.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      if (open && !started) {
        started = true;
        controls.appendChild(widget.askForm());
        widget.refresh();
      }
      if (open) {
        var field = body.querySelector("textarea");
        if (field) { field.focus(); }
      }
    });
  }

  document.querySelectorAll("[data-module=pv-assistant-thread]").forEach(initThread);
  document.querySelectorAll("[data-module=pv-assistant-panel]").forEach(initPanel);
})();
