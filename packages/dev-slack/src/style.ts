// The page's stylesheet: Slack's look, close enough that a screenshot reads like Slack.
export const STYLE = `
:root {
  --aubergine: #3f0e40; --aubergine-dark: #350d36; --side-text: #d1c4d1; --blue: #1264a3;
  --text: #1d1c1d; --muted: #616061; --line: #e2e2e2; --green: #007a5a; --red: #e01e5a;
  --mono: Monaco, Menlo, Consolas, "DejaVu Sans Mono", monospace;
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body {
  font: 15px/1.46668 Lato, "Helvetica Neue", Helvetica, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif;
  color: var(--text); background: #fff;
}
button { font: inherit; }
.app { display: grid; grid-template-columns: 260px minmax(0, 1fr) auto; height: 100vh; }
.sidebar { background: var(--aubergine); color: var(--side-text); display: flex; flex-direction: column; min-height: 0; }
.ws { padding: 14px 16px 12px; border-bottom: 1px solid rgba(255,255,255,.1); }
.ws-name { color: #fff; font-size: 18px; font-weight: 900; }
.ws-sub { font-size: 12px; opacity: .75; }
.acting { display: block; padding: 12px 16px; font-size: 12px; border-bottom: 1px solid rgba(255,255,255,.1); }
.acting select { display: block; width: 100%; margin-top: 6px; padding: 5px 6px; border-radius: 4px; border: 0; font: 13px inherit; }
.side-section { padding: 14px 16px 4px; font-size: 13px; font-weight: 700; opacity: .8; }
.chan { display: block; width: 100%; text-align: left; border: 0; background: none; color: var(--side-text); padding: 4px 16px 4px 26px; font-size: 15px; cursor: pointer; }
.chan:hover { background: var(--aubergine-dark); }
.chan.active { background: var(--blue); color: #fff; font-weight: 700; }
.app-status { margin-top: auto; padding: 12px 16px; font-size: 12px; }
.status-ok { color: #2bac76; }
.status-off { color: #e8a8c0; }
.channel { display: flex; flex-direction: column; min-width: 0; min-height: 0; }
.channel-head, .thread-head { height: 49px; flex: none; display: flex; align-items: center; justify-content: space-between; padding: 0 20px; border-bottom: 1px solid var(--line); font-weight: 900; font-size: 18px; }
.messages { flex: 1; overflow-y: auto; padding: 8px 0 16px; min-height: 0; }
.empty { padding: 24px 20px; color: var(--muted); }
.composer { flex: none; margin: 0 20px 8px; display: flex; border: 1px solid #bbb; border-radius: 8px; overflow: hidden; }
.composer input { flex: 1; border: 0; padding: 11px 12px; font: inherit; outline: none; }
.composer .send { border: 0; background: var(--green); color: #fff; font-weight: 700; padding: 0 16px; cursor: pointer; }
.composer-hint { margin: 0 20px 10px; font-size: 12px; color: var(--muted); }
.thread { width: 440px; border-left: 1px solid var(--line); display: flex; flex-direction: column; min-height: 0; }
.thread[hidden] { display: none; }
.thread-head { font-size: 16px; }
.thread-head .sub { font-weight: 400; font-size: 13px; color: var(--muted); margin-left: 6px; }
.icon-btn { border: 0; background: none; font-size: 16px; cursor: pointer; color: var(--muted); padding: 4px 8px; border-radius: 4px; }
.icon-btn:hover { background: #f0f0f0; }
.thread-divider { display: flex; align-items: center; gap: 8px; color: var(--muted); font-size: 13px; margin: 4px 20px; }
.thread-divider::after { content: ""; flex: 1; border-top: 1px solid var(--line); }

.msg { display: flex; gap: 8px; padding: 8px 20px; }
.msg:hover { background: #f8f8f8; }
.msg-ephemeral { background: #f4f8fb; }
.msg-deleted .msg-body { color: var(--muted); font-style: italic; }
.avatar { flex: none; width: 36px; height: 36px; border-radius: 6px; display: flex; align-items: center; justify-content: center; color: #fff; font-weight: 900; font-size: 16px; }
.avatar-0 { background: #e8912d; } .avatar-1 { background: #2eb67d; } .avatar-2 { background: #36c5f0; }
.avatar-3 { background: #4a154b; } .avatar-4 { background: #e01e5a; } .avatar-5 { background: #1264a3; }
.avatar-bot { background: #ece4ec; font-size: 22px; }
.msg-main { min-width: 0; flex: 1; max-width: 920px; }
.msg-head { display: flex; align-items: baseline; gap: 6px; }
.msg-author { font-weight: 900; }
.badge { font-size: 10px; font-weight: 700; color: var(--muted); background: rgba(29,28,29,.08); padding: 0 3px; border-radius: 2px; }
.msg-time { font-size: 12px; color: var(--muted); }
.msg-text, .blk-text, .blk-field { overflow-wrap: anywhere; }
.msg-edited { font-size: 12px; color: var(--muted); margin-left: 4px; }
.msg-ephemeral-note { font-size: 12px; color: var(--muted); margin-top: 2px; }
.msg-replies { margin-top: 4px; border: 1px solid transparent; background: none; color: var(--blue); font-weight: 700; font-size: 13px; padding: 3px 6px 3px 4px; border-radius: 6px; cursor: pointer; }
.msg-replies:hover { border-color: var(--line); background: #fff; }
.msg-replies-last { color: var(--muted); font-weight: 400; margin-left: 8px; }
.msg-file { display: inline-block; margin-top: 6px; padding: 8px 12px; border: 1px solid var(--line); border-radius: 8px; color: var(--blue); text-decoration: none; font-weight: 700; }
.msg-file-size { color: var(--muted); font-weight: 400; font-size: 12px; }
.msg-file-image { margin: 6px 0 0; }
.msg-file-image figcaption { font-size: 13px; color: var(--muted); margin-bottom: 4px; }
.msg-file-image img { display: block; max-width: min(100%, 560px); max-height: 360px; border: 1px solid var(--line); border-radius: 8px; }

.blk { margin: 4px 0; }
.blk-header { font-size: 18px; font-weight: 900; margin-top: 2px; }
.blk-section { display: flex; gap: 12px; align-items: flex-start; }
.blk-section-main { flex: 1; min-width: 0; }
.blk-fields { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 16px; margin-top: 4px; }
.blk-accessory { flex: none; }
.blk-accessory-img { width: 88px; height: 88px; border-radius: 6px; object-fit: cover; }
.blk-divider { border: 0; border-top: 1px solid var(--line); margin: 10px 0; }
.blk-context { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; font-size: 12px; color: var(--muted); }
.blk-context-img { width: 16px; height: 16px; border-radius: 3px; }
.blk-actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
.blk-image { margin: 6px 0; }
.blk-image figcaption { font-size: 13px; color: var(--muted); }
.blk-image-img { max-width: min(100%, 560px); border-radius: 8px; border: 1px solid var(--line); }
.blk-unknown, .sk-unsupported, .img-missing { color: var(--muted); font-size: 12px; font-style: italic; }
.sk-btn { height: 30px; padding: 0 12px; border: 1px solid rgba(29,28,29,.3); border-radius: 6px; background: #fff; color: var(--text); font-size: 14px; font-weight: 700; cursor: pointer; white-space: nowrap; }
.sk-btn:hover { background: #f8f8f8; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
.sk-btn:disabled { opacity: .5; cursor: default; }
.sk-btn-primary { background: var(--green); border-color: var(--green); color: #fff; }
.sk-btn-primary:hover { background: #148567; }
.sk-btn-danger { background: var(--red); border-color: var(--red); color: #fff; }
.sk-btn-danger:hover { background: #e23067; }
.sk-select { height: 30px; border: 1px solid rgba(29,28,29,.3); border-radius: 6px; padding: 0 8px; background: #fff; font-size: 14px; }
.mk-code { font: 12px var(--mono); color: #c01343; background: rgba(29,28,29,.04); border: 1px solid rgba(29,28,29,.13); border-radius: 3px; padding: 1px 3px; }
.mk-pre { font: 12px/1.5 var(--mono); background: rgba(29,28,29,.04); border: 1px solid rgba(29,28,29,.13); border-radius: 4px; padding: 8px; margin: 4px 0; white-space: pre; overflow-x: auto; }
.mk-quote { border-left: 4px solid #ddd; margin: 4px 0; padding-left: 12px; }
.mk-mention, .mk-channel { color: var(--blue); background: rgba(29,155,209,.1); border-radius: 3px; padding: 0 2px; }
.mk-broadcast { background: rgba(242,199,68,.4); color: var(--text); }
.mk-link { color: var(--blue); text-decoration: none; }
.mk-link:hover { text-decoration: underline; }
.att { border-left: 4px solid #ddd; padding: 2px 0 2px 12px; margin: 6px 0; }
.att-good { border-color: #2eb67d; } .att-warning { border-color: #ecb22e; } .att-danger { border-color: var(--red); }
.att-title { font-weight: 700; } .att-footer { font-size: 12px; color: var(--muted); }

.layer { position: fixed; inset: 0; background: rgba(0,0,0,.55); display: flex; align-items: center; justify-content: center; z-index: 10; }
.layer[hidden] { display: none; }
#dialog-layer { z-index: 20; }
.modal { width: 540px; max-width: calc(100vw - 32px); max-height: calc(100vh - 64px); background: #fff; border-radius: 8px; display: flex; flex-direction: column; box-shadow: 0 18px 48px rgba(0,0,0,.35); }
.modal-head { display: flex; justify-content: space-between; align-items: center; padding: 18px 24px; border-bottom: 1px solid var(--line); }
.modal-title { font-size: 22px; font-weight: 900; }
.modal-x { border: 0; background: none; font-size: 18px; cursor: pointer; color: var(--muted); }
.modal-body { padding: 16px 24px; overflow-y: auto; }
.modal-foot { display: flex; justify-content: flex-end; gap: 8px; padding: 16px 24px; border-top: 1px solid var(--line); }
.blk-input { margin: 14px 0; }
.inp-label { display: block; font-weight: 700; margin-bottom: 6px; }
.inp-optional { font-weight: 400; color: var(--muted); }
.inp { width: 100%; padding: 9px 10px; font: inherit; border: 1px solid rgba(29,28,29,.3); border-radius: 6px; background: #fff; }
.inp:focus { outline: none; border-color: var(--blue); box-shadow: 0 0 0 3px rgba(29,155,209,.3); }
.has-error .inp { border-color: var(--red); }
.inp-hint { font-size: 13px; color: var(--muted); margin-top: 4px; }
.inp-error { font-size: 13px; color: var(--red); margin-top: 4px; }
.dlg { width: 440px; max-width: calc(100vw - 32px); background: #fff; border-radius: 8px; padding: 22px 24px 18px; box-shadow: 0 18px 48px rgba(0,0,0,.35); }
.dlg-title { font-size: 20px; font-weight: 900; margin-bottom: 10px; }
.dlg-text { margin-bottom: 20px; }
.dlg-buttons { display: flex; justify-content: flex-end; gap: 8px; }
.toasts { position: fixed; left: 276px; bottom: 20px; display: flex; flex-direction: column; gap: 8px; z-index: 30; }
.toast { background: #1d1c1d; color: #fff; padding: 10px 14px; border-radius: 8px; max-width: 520px; font-size: 14px; box-shadow: 0 4px 12px rgba(0,0,0,.25); }
`;
