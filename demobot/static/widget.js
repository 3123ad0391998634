// Demo Bot chat widget: plain JS, no build step, works under
// Content-Security-Policy "script-src 'self'" (no inline code, no event attributes).
// Replies are rendered with textContent only, never as HTML.
//
// Hooks for browser tests: #chat-log, #chat-input, #chat-send, #chat-channel;
// each user message is a .user-msg, each bot reply a .bot-msg whose data-state is
// "streaming" while an OpenAI stream is arriving, then "done" or "error".
(function () {
  "use strict";

  var log, input, send, channel, form, status;
  var turns = []; // finished OpenAI exchanges of this page: {user, assistant}
  var socket = null; // open or opening WebSocket
  var socketQueue = []; // messages waiting for the socket to open
  var sender = newSenderID();

  function newSenderID() {
    try {
      var saved = window.sessionStorage.getItem("demobot-sender");
      if (saved) return saved;
      var id = window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID()
        : "user-" + Math.random().toString(36).slice(2);
      window.sessionStorage.setItem("demobot-sender", id);
      return id;
    } catch (e) {
      return "user-" + Math.random().toString(36).slice(2);
    }
  }

  function addMessage(cls, text, state) {
    var el = document.createElement("div");
    el.className = cls;
    el.textContent = text;
    if (state) el.setAttribute("data-state", state);
    log.appendChild(el);
    log.scrollTop = log.scrollHeight;
    return el;
  }

  function botReply(text) { return addMessage("bot-msg", text, "done"); }
  function botError(text) { return addMessage("bot-msg", text, "error"); }
  function setStatus(text) { status.textContent = text; }

  // errorText turns a failed response into a line for the transcript.
  function errorText(res, bodyText) {
    var msg = "Error: HTTP " + res.status;
    try {
      var body = JSON.parse(bodyText);
      var detail = typeof body.error === "string" ? body.error
        : body.error && body.error.message ? body.error.message
        : body.message;
      if (detail) msg += ": " + detail;
    } catch (e) { /* not JSON */ }
    return msg;
  }

  function sendREST(text) {
    return fetch("/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ sender: sender, message: text })
    }).then(function (res) {
      return res.text().then(function (body) {
        if (!res.ok) { botError(errorText(res, body)); return; }
        var replies = JSON.parse(body);
        if (!Array.isArray(replies) || replies.length === 0) { botReply(""); return; }
        replies.forEach(function (r) { if (r && typeof r.text === "string") botReply(r.text); });
      });
    });
  }

  function sendOpenAI(text) {
    var messages = [];
    turns.forEach(function (t) {
      messages.push({ role: "user", content: t.user }, { role: "assistant", content: t.assistant });
    });
    messages.push({ role: "user", content: text });
    var el = addMessage("bot-msg", "", "streaming");
    return fetch("/v1/chat/completions", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
      credentials: "same-origin",
      body: JSON.stringify({ model: "demo-bot", stream: true, messages: messages })
    }).then(function (res) {
      var type = res.headers.get("Content-Type") || "";
      if (!res.ok || type.indexOf("text/event-stream") !== 0 || !res.body) {
        return res.text().then(function (body) {
          if (!res.ok) throw new Error(errorText(res, body));
          var data = JSON.parse(body); // a proxy may answer a stream with one object
          el.textContent = data.choices[0].message.content;
          finishOpenAI(el, text);
        });
      }
      return readSSE(res.body, el, text);
    }).catch(function (err) {
      el.textContent = String(err && err.message || err);
      el.setAttribute("data-state", "error");
    });
  }

  // readSSE appends each delta to el as it arrives.
  function readSSE(body, el, userText) {
    var reader = body.getReader();
    var decoder = new TextDecoder();
    var buf = "";
    var finished = false;
    function handleEvent(block) {
      block.split("\n").forEach(function (line) {
        if (line.indexOf("data:") !== 0) return;
        var data = line.slice(5).replace(/^ /, "");
        if (data === "[DONE]") { finished = true; return; }
        var chunk = JSON.parse(data);
        var choice = chunk.choices && chunk.choices[0];
        if (choice && choice.delta && typeof choice.delta.content === "string") {
          el.textContent += choice.delta.content;
          log.scrollTop = log.scrollHeight;
        }
      });
    }
    function pump() {
      return reader.read().then(function (r) {
        if (r.value) buf += decoder.decode(r.value, { stream: true });
        if (r.done) buf += decoder.decode();
        buf = buf.replace(/\r\n?/g, "\n");
        var i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          handleEvent(buf.slice(0, i));
          buf = buf.slice(i + 2);
        }
        if (r.done) {
          if (buf) handleEvent(buf);
          if (!finished) throw new Error("Error: the stream ended early");
          finishOpenAI(el, userText);
          return;
        }
        return pump();
      });
    }
    return pump();
  }

  function finishOpenAI(el, userText) {
    turns.push({ user: userText, assistant: el.textContent });
    el.setAttribute("data-state", "done");
  }

  function openSocket() {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
    var ws = new WebSocket(url);
    socket = ws;
    setStatus("Connecting…");
    ws.addEventListener("open", function () {
      setStatus("Connected");
      while (socketQueue.length) ws.send(socketQueue.shift());
    });
    ws.addEventListener("message", function (ev) {
      try {
        var msg = JSON.parse(ev.data);
        if (typeof msg.error === "string") botError("Error: " + msg.error);
        else botReply(typeof msg.text === "string" ? msg.text : String(ev.data));
      } catch (e) {
        botReply(String(ev.data));
      }
    });
    ws.addEventListener("close", function () {
      if (socket === ws) socket = null;
      setStatus("Disconnected");
    });
    ws.addEventListener("error", function () {
      if (socket === ws) socket = null;
      if (socketQueue.length) {
        socketQueue = [];
        botError("Error: the WebSocket connection failed");
      }
    });
  }

  function sendWS(text) {
    var payload = JSON.stringify({ message: text });
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(payload);
    else {
      socketQueue.push(payload);
      if (!socket) openSocket();
    }
    return Promise.resolve();
  }

  var senders = { rest: sendREST, openai: sendOpenAI, ws: sendWS };

  function onSubmit(ev) {
    ev.preventDefault();
    var text = input.value;
    if (!text.trim()) { input.focus(); return; }
    addMessage("user-msg", text);
    input.value = "";
    input.focus();
    var fn = senders[channel.value] || sendREST;
    fn(text).catch(function (err) {
      botError("Error: " + (err && err.message || err));
    });
  }

  function init() {
    log = document.getElementById("chat-log");
    input = document.getElementById("chat-input");
    send = document.getElementById("chat-send");
    channel = document.getElementById("chat-channel");
    form = document.getElementById("chat-form");
    status = document.getElementById("chat-status");
    form.addEventListener("submit", onSubmit);
    channel.addEventListener("change", function () {
      setStatus("Channel: " + channel.options[channel.selectedIndex].text);
    });
    send.disabled = false;
    input.focus();
    document.documentElement.setAttribute("data-widget", "ready");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
