// The playground's page: Slack's client, reduced to what an app needs.
//
// The server draws everything (Block Kit included) as HTML; this script only
//   * asks for the chosen user's view of the workspace (a long poll on /pg/state),
//     swapping in messages whose key changed so nothing a user is typing is lost;
//   * reports what the user does (POST /pg/<gesture>, always naming the user), leaving it
//     to the server to build, sign and send the request Slack would send;
//   * does what Slack's client does by itself: required-field and number checks in modals,
//     confirm dialogs, menus, external_select type-ahead, slash-command autocomplete.
"use strict";

const S = {
  config: null, user: "", pane: "", revision: -1, seen: {}, poll: null, modal: null, homeHTML: "",
  entered: {},  // view_id -> what the user entered there
};
const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
const STATELESS = new Set(["button", "overflow", "image"]);
const BY_OPTIONS = new Set(["multi_static_select", "checkboxes"]);  // the server finds the options

// --- talking to the playground -------------------------------------------------------------

async function post(gesture, body) {
  const resp = await fetch(`/pg/${gesture}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user: S.user, ...body }),
  });
  const answer = await resp.json().catch(() => ({ error: `HTTP ${resp.status}` }));
  if (answer.error && !answer.errors && gesture !== "submit") toast(answer.error);
  return answer;
}

function toast(text) {
  const box = $("#toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 4000);
}

async function pollForever() {
  for (;;) {
    const controller = new AbortController();
    S.poll = controller;
    const url = `/pg/state?user=${S.user}&pane=${encodeURIComponent(S.pane)}&since=${S.revision}`;
    try {
      const resp = await fetch(url, { signal: controller.signal });
      apply(await resp.json());
    } catch (error) {
      if (error.name !== "AbortError") await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

function refresh() {
  S.revision = -1;
  if (S.poll) S.poll.abort();
}

// --- drawing the state ---------------------------------------------------------------------

function apply(state) {
  if (state.user !== S.user || state.pane.id !== S.pane) return;  // for a pane just left
  S.revision = state.revision;
  drawSidebar(state.counts);
  if (state.pane.messages) drawMessages(state.pane.messages);
  if (state.pane.html !== undefined && S.homeHTML !== state.pane.html) {
    S.homeHTML = state.pane.html;
    $("#home").innerHTML = state.pane.html;
  }
  drawModal(state.modal);
}

function drawMessages(messages) {
  const list = $("#messages");
  const scroller = $("#pane-scroll");
  const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  const old = new Map($$(":scope > [data-key]", list).map((n) => [n.dataset.key, n]));
  const added = messages.filter((m) => !old.has(m.key)).length;
  const nodes = messages.map((m) => old.get(m.key) || fromHTML(m.html, m.key));
  list.replaceChildren(...nodes);
  if (atBottom || added) scroller.scrollTop = scroller.scrollHeight;
}

function fromHTML(html, key) {
  const holder = document.createElement("div");
  holder.innerHTML = html;
  const node = holder.firstElementChild;
  node.dataset.key = key;
  return node;
}

function drawSidebar(counts) {
  for (const item of $$(".sidebar-item")) {
    const app = item.dataset.pane === "app";
    const id = app ? dmOf(S.user) : item.dataset.pane;
    if (S.pane === id) S.seen[id] = counts[id];
    const fresh = (counts[id] || 0) - (S.seen[id] || 0);
    item.classList.toggle("unread", fresh > 0);
    if (!app) continue;
    $(".badge", item).hidden = !(fresh > 0);
    $(".badge", item).textContent = fresh;
    const tab = $(`.tab[data-tab="${id}"]`);
    if (tab) tab.classList.toggle("unread", fresh > 0);
  }
}

function drawModal(modal) {
  // Like Slack, a view keeps what the user entered while another is pushed over it, and
  // through views.update (fields whose block_id and action_id stay the same).
  const layer = $("#modal-layer");
  if (S.modal) S.entered[S.modal.view_id] = readState($(".modal", layer));
  if (!modal) { layer.hidden = true; layer.replaceChildren(); S.modal = null; return; }
  if (S.modal && S.modal.view_id === modal.view_id && S.modal.hash === modal.hash) return;
  const fresh = !S.entered[modal.view_id];
  layer.innerHTML = modal.html;
  layer.hidden = false;
  S.modal = modal;
  initExternals(layer);
  if (!fresh) writeState($(".modal", layer), S.entered[modal.view_id]);
  const first = $(".bk-input .bk-text, .bk-input .bk-select", layer);
  if (first && fresh) first.focus();
}

// --- panes, users, sidebar -----------------------------------------------------------------

const dmOf = (user) => S.config.app.dm.replace("{user}", user);
const appPane = () => S.pane === "home" || S.pane === dmOf(S.user);
const person = (id) => S.config.people.find((p) => p.id === id);

function avatarHTML(name, color) {
  const fill = color || ["#e8912d", "#2bac76", "#1264a3", "#e01e5a", "#9e6a03"][name.length % 5];
  const div = document.createElement("div");
  div.className = "avatar";
  div.style.background = fill;
  div.textContent = name[0].toUpperCase();
  return div.outerHTML;
}

function buildChrome() {
  const { config } = S;
  $("#team-name").textContent = config.team;
  $("#sidebar-team").textContent = config.team;
  $("#channel-list").innerHTML = config.channels.map((c) =>
    `<a class="sidebar-item" data-pane="${c.id}" href="#"><span class="hash">#</span>${escapeHTML(c.name)}</a>`
  ).join("");
  $("#app-list").innerHTML = `<a class="sidebar-item" data-pane="app" href="#">` +
    `${avatarHTML(config.app.name, config.app.color)}${escapeHTML(config.app.name)}` +
    `<span class="badge" hidden></span></a>`;
  $("#user-switcher").innerHTML = config.people.map((p) =>
    `<option value="${p.id}">${escapeHTML(p.name + (p.title ? ` — ${p.title}` : ""))}</option>`).join("");
  $("#run-jobs").hidden = !config.jobs;
  $("#shortcuts").hidden = !config.global_shortcuts.length;
}

function show(pane) {
  S.pane = pane;
  const params = new URLSearchParams({ user: S.user, pane });
  history.replaceState(null, "", `?${params}`);
  for (const item of $$(".sidebar-item")) {
    const mine = item.dataset.pane === pane || (item.dataset.pane === "app" && appPane());
    item.classList.toggle("active", mine);
  }
  const home = pane === "home";
  $("#home").hidden = !home;
  $("#messages").hidden = home;
  $("#composer").hidden = home;
  $("#messages").replaceChildren();
  $("#home").innerHTML = "";
  S.homeHTML = "";
  drawHeader(pane);
  refresh();
  if (home) post("open-home", { tab: "home" });
}

function drawHeader(pane) {
  const { config } = S;
  const found = config.channels.find((c) => c.id === pane);
  const channel = found && { name: escapeHTML(found.name) };
  const app = escapeHTML(config.app.name);
  const header = $("#pane-header");
  const intro = $("#channel-intro");
  const input = $("#composer-input");
  if (channel) {
    header.innerHTML = `<h1># ${channel.name}</h1>`;
    intro.innerHTML = `<h2># ${channel.name}</h2>This is the very beginning of the ` +
      `<b>#${channel.name}</b> channel.`;
    input.placeholder = `Message #${channel.name}`;
    return;
  }
  const tab = (name, target) =>
    `<button type="button" class="tab${pane === target ? " active" : ""}" data-tab="${target}">${name}</button>`;
  header.innerHTML = `${avatarHTML(config.app.name, config.app.color)}<h1>${app}</h1>` +
    `<div class="tabs">${tab("Home", "home")}${tab("Messages", dmOf(S.user))}</div>`;
  intro.innerHTML = pane === "home" ? "" : `<h2>${app}</h2>` +
    `This is the very beginning of your direct message history with <b>${app}</b>.`;
  input.placeholder = `Message ${config.app.name}`;
}

function become(user) {
  S.user = user;
  S.seen = {};
  S.modal = null;
  $("#user-switcher").value = user;
  $("#me-avatar").innerHTML = avatarHTML(person(user).name);
  show(S.pane.startsWith("D") ? dmOf(user) : S.pane);  // the app's DM is per user
}

// --- reading and writing Block Kit state ---------------------------------------------------

function readValue(el) {
  const type = el.dataset.type;
  if (el.classList.contains("bk-choices")) {
    const checked = $$("input:checked", el).map((i) => i.value);
    return type === "checkboxes" ? checked : checked[0] ?? null;
  }
  if (el.classList.contains("bk-external")) {
    return type === "multi_external_select" ? el.selected : el.selected[0] ?? null;
  }
  if (type === "file_input") return el.uploaded ?? [];
  if (el.multiple) return $$("option:checked", el).map((o) => o.value);
  return el.value === "" ? null : el.value;
}

function writeValue(el, value) {
  if (el.classList.contains("bk-choices")) {
    const wanted = new Set([].concat(value ?? []));
    for (const input of $$("input", el)) input.checked = wanted.has(input.value);
  } else if (el.classList.contains("bk-external")) {
    el.selected = [].concat(value ?? []);
    drawChips(el);
  } else if (el.dataset.type === "file_input") {
    el.uploaded = [].concat(value ?? []);  // a browser can't set a file picker's files
  } else if (el.multiple) {
    const wanted = new Set(value ?? []);
    for (const option of el.options) option.selected = wanted.has(option.value);
  } else {
    el.value = value ?? "";
  }
}

function stateful(root) {
  return $$(".bk-el[data-type]", root).filter((el) => !STATELESS.has(el.dataset.type));
}

function readState(root) {
  const values = {};
  for (const el of stateful(root)) {
    (values[el.dataset.blockId] ??= {})[el.dataset.actionId] = readValue(el);
  }
  return values;
}

function writeState(root, values) {
  for (const el of stateful(root)) {
    const block = values[el.dataset.blockId];
    if (block && el.dataset.actionId in block) writeValue(el, block[el.dataset.actionId]);
  }
}

// --- Block Kit actions ---------------------------------------------------------------------

function container(el) {
  const modal = el.closest(".modal");
  if (modal) return { view_id: modal.dataset.viewId, values: readState(modal) };
  const home = el.closest(".home-view");
  if (home) return { view_id: home.dataset.viewId, values: readState(home) };
  const msg = el.closest(".msg");
  return { channel: msg.dataset.channel, ts: msg.dataset.ts };
}

function dispatches(el) {
  const block = el.closest(".bk-block");
  if (!el.closest(".modal") || !block.classList.contains("bk-input")) return true;
  return block.dataset.dispatch === "true";
}

function chosen(el) {
  const type = el.dataset.type;
  const value = readValue(el);
  const picked = {
    users_select: { selected_user: value },
    multi_users_select: { action: { selected_users: value } },
    conversations_select: { action: { selected_conversation: value } },
    multi_conversations_select: { action: { selected_conversations: value } },
    channels_select: { action: { selected_channel: value } },
    multi_channels_select: { action: { selected_channels: value } },
    datepicker: { action: { selected_date: value } },
    timepicker: { action: { selected_time: value } },
    multi_external_select: { action: { selected_options: value } },
  }[type];
  if (picked) return picked;
  if (BY_OPTIONS.has(type)) return { selected_values: value };
  return { selected_option: value };
}

async function act(el, extra) {
  const ask = el.dataset.confirm ? JSON.parse(el.dataset.confirm) : null;
  if (ask && !(await confirmDialog(ask))) return;
  await post("action", {
    action_id: el.dataset.actionId,
    block_id: el.dataset.blockId,
    type: el.dataset.type,
    ...container(el),
    ...extra,
  });
}

function confirmDialog(ask) {
  const layer = $("#confirm-layer");
  const style = ask.style === "danger" ? "bk-danger" : "bk-primary";
  layer.innerHTML = `<div class="dialog" role="alertdialog"><header><h2>${ask.title}</h2></header>` +
    `<div class="dialog-body mrkdwn">${ask.text}</div><footer>` +
    `<button type="button" class="bk-button deny">${ask.deny}</button>` +
    `<button type="button" class="bk-button ${style} yes">${ask.confirm}</button></footer></div>`;
  layer.hidden = false;
  return new Promise((resolve) => {
    layer.onclick = (event) => {
      const yes = event.target.closest(".yes");
      if (!yes && !event.target.closest(".deny") && event.target !== layer) return;
      layer.hidden = true;
      resolve(Boolean(yes));
    };
  });
}

// --- menus ---------------------------------------------------------------------------------

function openMenu(anchor, title, items) {
  closeMenus();
  const menu = document.createElement("div");
  menu.className = "menu floating";
  menu.innerHTML = (title ? `<div class="menu-title">${title}</div>` : "") + items.map((item, i) =>
    `<button type="button" class="menu-item" data-i="${i}">${item.label}` +
    `${item.right ? `<span class="right">${item.right}</span>` : ""}</button>`).join("");
  document.body.append(menu);
  const box = anchor.getBoundingClientRect();
  const top = Math.min(box.bottom + 4, innerHeight - menu.offsetHeight - 8);
  menu.style.top = `${top < box.bottom ? box.top - menu.offsetHeight - 4 : top}px`;
  menu.style.left = `${Math.min(box.left, innerWidth - menu.offsetWidth - 8)}px`;
  menu.addEventListener("click", (event) => {
    const button = event.target.closest(".menu-item");
    if (!button) return;
    closeMenus();
    items[Number(button.dataset.i)].run();
  });
}

function closeMenus() {
  for (const menu of $$(".menu.floating")) menu.remove();
}

function messageMenu(button) {
  const msg = button.closest(".msg");
  const items = S.config.message_shortcuts.map((s) => ({
    label: escapeHTML(s.name),
    right: escapeHTML(S.config.app.name),
    run: () => post("message-shortcut",
      { callback_id: s.callback_id, channel: msg.dataset.channel, ts: msg.dataset.ts }),
  }));
  openMenu(button, items.length ? "Message shortcuts" : "No message shortcuts", items);
}

function shortcutsMenu(button) {
  const items = S.config.global_shortcuts.map((s) => ({
    label: escapeHTML(s.name),
    right: escapeHTML(S.config.app.name),
    run: () => post("shortcut", { callback_id: s.callback_id }),
  }));
  openMenu(button, "Shortcuts", items);
}

function overflowMenu(holder) {
  const items = $$(".menu .menu-item", holder).map((b) => ({
    label: b.innerHTML,
    run: () => act(holder, { selected_option: b.dataset.value }),
  }));
  openMenu($(".bk-overflow-button", holder), "", items);
}

// --- external_select: type-ahead through block_suggestion ----------------------------------

function initExternals(root) {
  for (const el of $$(".bk-external", root)) {
    if (el.selected) continue;
    el.selected = JSON.parse(el.dataset.selected || "[]");
    drawChips(el);
  }
}

function drawChips(el) {
  const many = el.dataset.type === "multi_external_select";
  const input = $("input", el);
  if (!many) {
    input.value = el.selected[0] ? el.selected[0].text.text : "";
    return;
  }
  $(".chips", el).innerHTML = el.selected.map((o, i) =>
    `<span class="chip">${escapeHTML(o.text.text)}<button type="button" data-i="${i}" aria-label="Remove">×</button></span>`).join("");
}

const escapeHTML = (text) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

async function suggest(el) {
  const input = $("input", el);
  const box = $(".suggestions", el);
  if (input.value.length < Number(el.dataset.minQuery)) { box.hidden = true; return; }
  const asked = input.value;
  const answer = await post("suggest", {
    action_id: el.dataset.actionId, block_id: el.dataset.blockId, value: asked, ...container(el),
  });
  if (input.value !== asked) return;
  el.options = answer.options || [];
  box.innerHTML = el.options.length ? el.options.map((o, i) =>
    `<button type="button" class="menu-item" data-i="${i}">${escapeHTML(o.text.text)}</button>`).join("")
    : `<div class="menu-title">No matches</div>`;
  box.hidden = false;
}

function pickSuggestion(el, option) {
  const many = el.dataset.type === "multi_external_select";
  el.selected = many ? [...el.selected, option] : [option];
  $(".suggestions", el).hidden = true;
  if (many) $("input", el).value = "";
  drawChips(el);
  clearError(el);
  if (dispatches(el)) act(el, chosen(el));
}

// --- modals --------------------------------------------------------------------------------

function isEmpty(value) {
  return value === null || value === "" || (Array.isArray(value) && !value.length);
}

function clearError(el) {
  const block = el.closest(".bk-input");
  if (!block) return;
  block.classList.remove("has-error");
  $(".bk-error", block).hidden = true;
}

function showError(block, text) {
  block.classList.add("has-error");
  const slot = $(".bk-error", block);
  slot.textContent = text;
  slot.hidden = false;
}

function clientErrors(modal) {
  const errors = {};
  for (const block of $$(".bk-input", modal)) {
    const el = $(".bk-el", block);
    if (!el) continue;
    const value = readValue(el);
    if (isEmpty(value)) {
      if (block.dataset.optional !== "true") errors[block.dataset.blockId] = "Please complete this required field.";
    } else if (el.dataset.type === "number_input") {
      const problem = numberProblem(el, value);
      if (problem) errors[block.dataset.blockId] = problem;
    }
  }
  return errors;
}

function numberProblem(el, value) {
  const decimal = el.dataset.decimal === "true";
  const pattern = decimal ? /^-?\d+(\.\d+)?$/ : /^-?\d+$/;
  if (!pattern.test(value.trim())) return decimal ? "Enter a number." : "Enter a whole number.";
  const n = Number(value);
  if (el.dataset.min !== undefined && n < Number(el.dataset.min)) return `Enter a number of at least ${el.dataset.min}.`;
  if (el.dataset.max !== undefined && n > Number(el.dataset.max)) return `Enter a number of at most ${el.dataset.max}.`;
  return null;
}

async function submitModal(modal) {
  const errors = clientErrors(modal);
  if (Object.keys(errors).length) return showErrors(modal, errors);
  const button = $(".modal-submit", modal);
  button.disabled = true;
  await Promise.all(stateful(modal).map((el) => el.pending));  // files still uploading
  const answer = await post("submit", { view_id: modal.dataset.viewId, values: readState(modal) });
  button.disabled = false;
  if (answer.errors) return showErrors(modal, answer.errors);
  const banner = $(".modal-error", modal);
  banner.textContent = answer.error || "";
  banner.hidden = !answer.error;
}

function showErrors(modal, errors) {
  for (const [blockId, text] of Object.entries(errors)) {
    const block = $(`.bk-block[data-block-id="${CSS.escape(blockId)}"]`, modal);
    if (block) showError(block, text);
  }
}

function closeModal(modal, all) {
  post("close", { view_id: modal.dataset.viewId, all });
}

// --- the composer --------------------------------------------------------------------------

function matchingCommands(text) {
  if (!text.startsWith("/") || text.includes(" ")) return [];
  return S.config.commands.filter((c) => c.command.startsWith(text));
}

function drawAutocomplete() {
  const input = $("#composer-input");
  const box = $("#autocomplete");
  const found = matchingCommands(input.value);
  S.suggestionIndex = Math.min(S.suggestionIndex || 0, Math.max(found.length - 1, 0));
  box.hidden = !found.length;
  box.innerHTML = `<div class="menu-title">Commands matching “${escapeHTML(input.value)}”</div>` +
    found.map((c, i) =>
      `<button type="button" class="menu-item${i === S.suggestionIndex ? " selected" : ""}" data-command="${c.command}">` +
      `<b>${c.command}</b> <span class="sub">${escapeHTML(c.usage_hint)}</span>` +
      `<span class="right">${S.config.app.name}</span></button>` +
      `<div class="menu-title" style="font-weight:400">${escapeHTML(c.description)}</div>`).join("");
  const typed = input.value.split(" ")[0];
  const known = S.config.commands.find((c) => c.command === typed);
  const hint = $("#usage-hint");
  hint.hidden = !(known && input.value.includes(" "));
  if (known) hint.innerHTML = `<b>${known.command}</b> ${escapeHTML(known.usage_hint)}`;
}

function pickCommand(command) {
  const input = $("#composer-input");
  input.value = `${command} `;
  input.focus();
  drawAutocomplete();
}

async function sendComposer() {
  const input = $("#composer-input");
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  drawAutocomplete();
  await post("send", { channel: S.pane, text });
}

function composerKeys(event) {
  const found = matchingCommands(event.target.value);
  if (found.length && ["ArrowDown", "ArrowUp"].includes(event.key)) {
    event.preventDefault();
    const step = event.key === "ArrowDown" ? 1 : -1;
    S.suggestionIndex = (S.suggestionIndex + step + found.length) % found.length;
    drawAutocomplete();
  } else if (found.length && ["Tab", "Enter"].includes(event.key) && event.target.value !== found[S.suggestionIndex].command + " ") {
    event.preventDefault();
    pickCommand(found[S.suggestionIndex].command);
  } else if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    sendComposer();
  }
}

// --- wiring --------------------------------------------------------------------------------

function onClick(event) {
  const t = event.target;
  if (!t.closest(".menu")) closeMenus();
  const item = t.closest(".sidebar-item");
  if (item) { event.preventDefault(); return show(item.dataset.pane === "app" ? "home" : item.dataset.pane); }
  const tab = t.closest(".tab");
  if (tab) return show(tab.dataset.tab);
  const modal = t.closest(".modal");
  if (modal && t.closest(".modal-submit")) return submitModal(modal);
  if (modal && t.closest(".modal-x")) return closeModal(modal, true);
  if (modal && t.closest(".modal-close, .modal-back")) return closeModal(modal, false);
  const button = t.closest("button.bk-button[data-action-id]");
  if (button) {
    if (button.dataset.url) window.open(button.dataset.url, "_blank", "noopener");
    return act(button, { value: button.dataset.value });
  }
  const overflow = t.closest(".bk-overflow");
  if (overflow && t.closest(".bk-overflow-button")) return overflowMenu(overflow);
  if (t.closest(".msg-hover .more")) return messageMenu(t.closest(".more"));
  if (t.closest("#shortcuts")) return shortcutsMenu(t.closest("#shortcuts"));
  if (t.closest("#run-jobs")) return runJobs();
  const external = t.closest(".bk-external");
  if (external && t.closest(".suggestions .menu-item")) {
    return pickSuggestion(external, external.options[Number(t.closest(".menu-item").dataset.i)]);
  }
  if (external && t.closest(".chip button")) {
    external.selected.splice(Number(t.dataset.i), 1);
    return drawChips(external);
  }
  const command = t.closest("#autocomplete .menu-item");
  if (command) return pickCommand(command.dataset.command);
}

async function uploadFiles(el) {
  // Like Slack: the file is uploaded when picked; the form then carries the file objects.
  el.uploaded = [];
  for (const file of el.files) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    const answer = await post("upload", { name: file.name, data: btoa(binary) });
    if (answer.file) el.uploaded.push(answer.file);
  }
}

function onChange(event) {
  const el = event.target.closest(".bk-el[data-type]");
  if (!el || STATELESS.has(el.dataset.type)) return;
  clearError(el);
  if (el.dataset.type === "file_input") return (el.pending = uploadFiles(el));
  if (el.classList.contains("bk-text") || el.classList.contains("bk-external")) return;
  if (dispatches(el)) act(el, chosen(el));
}

async function runJobs() {
  toast("Running scheduled jobs…");
  const answer = await post("run-jobs", {});
  if (answer.ok) toast(answer.note ? `Scheduled jobs ran. ${answer.note}` : "Scheduled jobs ran.");
}

async function start() {
  S.config = await (await fetch("/pg/config")).json();
  buildChrome();
  const params = new URLSearchParams(location.search);
  S.user = person(params.get("user")) ? params.get("user") : S.config.people[0].id;
  S.pane = params.get("pane") || S.config.channels[0].id;
  document.addEventListener("click", onClick);
  document.addEventListener("change", onChange);
  document.addEventListener("input", (event) => {
    const external = event.target.closest(".bk-external");
    if (external) { clearTimeout(external.timer); external.timer = setTimeout(() => suggest(external), 250); }
    else if (event.target.id === "composer-input") drawAutocomplete();
    else clearError(event.target);
  });
  document.addEventListener("focusin", (event) => {
    const external = event.target.closest(".bk-external");
    if (external && event.target.matches("input")) suggest(external);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { closeMenus(); $("#autocomplete").hidden = true; }
  });
  $("#composer-input").addEventListener("keydown", composerKeys);
  $("#composer").addEventListener("submit", (event) => { event.preventDefault(); sendComposer(); });
  $("#user-switcher").addEventListener("change", (event) => become(event.target.value));
  become(S.user);
  pollForever();
}

start();
