// The page's HTML shell; main.ts (served from /ui/client/) fills it in. Nothing in it comes from
// the workspace, and the Content-Security-Policy allows only this server's own scripts and styles.
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' http: https: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rdev · local Slack</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/style.css">
</head>
<body>
<div class="app">
  <aside class="sidebar">
    <div class="ws"><div class="ws-name" id="ws-name">rdev</div><div class="ws-sub">local Slack workspace</div></div>
    <label class="acting">Acting as<select id="user-select" aria-label="Acting as"></select></label>
    <div class="side-section">Channels</div>
    <nav id="channel-list" aria-label="Channels"></nav>
    <div id="app-status" class="app-status"></div>
  </aside>
  <main class="channel">
    <header class="channel-head"><span id="channel-title"></span></header>
    <div id="messages" class="messages" aria-label="Messages"></div>
    <div class="composer">
      <input id="composer" aria-label="Message composer" autocomplete="off" placeholder="Message">
      <button type="button" class="send" data-act="send">Send</button>
    </div>
    <div class="composer-hint">Slash commands go to the app as Slack sends them (signed); Enter sends.</div>
  </main>
  <aside id="thread" class="thread" hidden aria-label="Thread">
    <header class="thread-head"><div>Thread<span class="sub" id="thread-channel"></span></div>
      <button type="button" class="icon-btn" data-act="close-thread" aria-label="Close thread">✕</button></header>
    <div id="thread-messages" class="messages"></div>
    <div class="composer"><input id="thread-composer" aria-label="Reply composer" autocomplete="off" placeholder="Reply…"></div>
  </aside>
</div>
<div id="modal-layer" class="layer" hidden></div>
<div id="dialog-layer" class="layer" hidden></div>
<div id="toasts" class="toasts" aria-live="polite"></div>
<script type="module" src="/ui/client/main.ts"></script>
</body>
</html>
`;
