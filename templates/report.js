"use strict";
// The member table of report.html: decodes the data block (format permaudit-html-data/1, see
// docs/reports.md) one page at a time, so that a 100,000-member organization stays responsive.
// Data is only ever put into the page as text (textContent), never parsed as markup.
(function () {
  const started = performance.now();
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const PAGE_SIZE = 50;
  const ROLES = { o: "owner", c: "collaborator", r: "readonly" };
  const LEVELS = { o: "owner", w: "write", r: "readonly" };
  const SERVICE_ACCOUNT = 1;
  const ORG_OWNER = 2;
  // An entry whose role is owner or collaborator: a cloud or project token followed by o or c.
  const WRITE = /(^| )C?\d+[ocOC]/;
  const TOKEN = /^(C?)(\d+)([ocrOCR])(.*)$/;
  const PATH = /\.([owr])|g(\d+)([ocr])/g;
  const IMPLIED = { o: "o", c: "w", r: "r" };
  const controls = {
    filter: document.getElementById("filter"),
    resource: document.getElementById("resource"),
    kind: document.getElementById("kind"),
    previous: document.getElementById("previous"),
    next: document.getElementById("next"),
  };
  const state = { filter: "", resource: null, kind: "all", page: 0, matches: [] };
  // One entries string per member, parallel to data.members; both filled by loadMembers.
  let access = [];

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function row(cells) {
    const tr = document.createElement("tr");
    for (const cell of cells) {
      const td = document.createElement("td");
      if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell;
      tr.appendChild(td);
    }
    return tr;
  }

  function groupName(index) {
    const group = data.groups[index];
    return group[1] + " (" + group[0] + ")";
  }

  // Returns the org role and its sources from the base field ("lo", "g1c" ...).
  function orgRole(member) {
    if (member[3] & ORG_OWNER) return "owner";
    return member[4] === "" ? "none" : "collaborator";
  }

  function orgSources(base) {
    if (base === "") return [];
    return base.split(" ").map(function (token) {
      const role = token.slice(-1) === "o" ? "owner" : "collaborator";
      if (token[0] === "l") return "permission_level " + role;
      return "group " + groupName(parseInt(token.slice(1, -1), 10)) + ": " + role;
    });
  }

  // Decodes the entries "C<cloud><spec> <position><spec> ...": a cloud, then the projects under it by
  // their position in the cloud's project list; spec is the role letter (upper case when capped) and
  // the paths, left out for a single direct grant whose level is the role.
  function entries(text) {
    if (text === "") return [];
    let cloud = null;
    return text.split(" ").map(function (token) {
      const [, isCloud, number, letter, pathText] = TOKEN.exec(token);
      const position = parseInt(number, 10);
      let record;
      if (isCloud) {
        cloud = data.clouds[position];
        record = cloud;
      } else {
        record = data.projects[cloud[2][position]];
      }
      const role = ROLES[letter.toLowerCase()];
      const paths = [];
      const spelled = pathText === "" ? "." + IMPLIED[letter] : pathText;
      for (const match of spelled.matchAll(PATH)) {
        if (match[1]) {
          paths.push({ text: "direct " + LEVELS[match[1]], group: false, role: LEVELS[match[1]] });
        } else {
          const groupRole = ROLES[match[3]];
          paths.push({ text: "group " + groupName(parseInt(match[2], 10)) + ": " + groupRole, group: true, role: groupRole });
        }
      }
      return {
        type: isCloud ? "cloud" : "project", id: record[0], name: record[1], cloud: cloud, role: role,
        capped: letter !== letter.toLowerCase(), paths: paths,
      };
    });
  }

  function notes(entry) {
    const found = [];
    if (entry.capped && entry.type === "cloud") {
      found.push("capped to " + entry.role + " by direct readonly on cloud " + entry.name);
    }
    if (entry.capped && entry.type === "project") {
      found.push("capped to " + entry.role + " by the readonly role on cloud " + entry.cloud[1]);
    }
    if (entry.type === "cloud") {
      for (const path of entry.paths) {
        if (path.group && path.role === "owner") {
          found.push(path.text + " counts as collaborator: groups cannot own clouds (group-owner-on-cloud)");
        }
      }
    }
    return found.join("; ");
  }

  function kindMatches(member, entriesText) {
    switch (state.kind) {
      case "owners": return (member[3] & ORG_OWNER) !== 0;
      case "write": return WRITE.test(entriesText);
      case "service-accounts": return (member[3] & SERVICE_ACCOUNT) !== 0;
      case "privileged-service-accounts": return (member[3] & SERVICE_ACCOUNT) !== 0 && WRITE.test(entriesText);
      case "no-access": return entriesText === "";
      case "anomalies": return member[5] !== "";
      default: return true;
    }
  }

  function textMatches(member) {
    if (state.filter === "") return true;
    return member[0].toLowerCase().includes(state.filter) || member[1].toLowerCase().includes(state.filter)
      || member[2].toLowerCase().includes(state.filter);
  }

  // Returns a test for the entries (or group memberships) that reach the named cloud, project or group.
  function resourceTest(text) {
    const wanted = text.trim().toLowerCase();
    if (wanted === "") return null;
    const named = function (record) { return record[0].toLowerCase() === wanted || record[1].toLowerCase() === wanted; };
    const clouds = new Set();
    const projects = new Set();
    const groups = new Set();
    data.clouds.forEach(function (record, index) { if (named(record)) clouds.add(index); });
    data.projects.forEach(function (record, index) { if (named(record)) projects.add(index); });
    data.groups.forEach(function (record, index) { if (named(record)) groups.add(index); });
    const groupPattern = groups.size === 0 ? null : new RegExp("g(" + Array.from(groups).join("|") + ")[ocr]");
    return function (member, entriesText) {
      if (groupPattern && (groupPattern.test(member[4]) || groupPattern.test(entriesText))) return true;
      if (clouds.size === 0 && projects.size === 0) return false;
      let cloud = null;
      for (const token of entriesText === "" ? [] : entriesText.split(" ")) {
        const [, isCloud, number] = TOKEN.exec(token);
        const position = parseInt(number, 10);
        if (isCloud) cloud = data.clouds[position];
        if (isCloud ? clouds.has(position) : projects.has(cloud[2][position])) return true;
      }
      return false;
    };
  }

  function resourceMatches(member, entriesText) {
    return state.resource === null || state.resource(member, entriesText);
  }

  function applyFilters() {
    state.matches = [];
    for (let index = 0; index < data.members.length; index++) {
      const member = data.members[index];
      const entriesText = access[index];
      if (kindMatches(member, entriesText) && textMatches(member) && resourceMatches(member, entriesText)) {
        state.matches.push(index);
      }
    }
    state.page = 0;
  }

  function memberCell(member) {
    const cell = document.createElement("div");
    cell.appendChild(element("strong", member[1]));
    cell.appendChild(element("div", member[2]));
    cell.appendChild(element("div", member[0], "id muted"));
    return cell;
  }

  function accessSummary(list) {
    if (list.length === 0) return "no explicit access";
    const clouds = list.filter(function (entry) { return entry.type === "cloud"; }).length;
    const order = ["readonly", "collaborator", "owner"];
    const highest = list.reduce(function (best, entry) {
      return order.indexOf(entry.role) > order.indexOf(best) ? entry.role : best;
    }, "readonly");
    return clouds + " clouds, " + (list.length - clouds) + " projects; highest role " + highest;
  }

  function anomalyCell(codes) {
    const cell = document.createElement("div");
    const seen = {};
    for (const digit of codes) seen[digit] = (seen[digit] || 0) + 1;
    for (const digit of Object.keys(seen).sort()) {
      const kind = data.kinds[parseInt(digit, 36)];
      const badge = element("span", kind[0] + (seen[digit] > 1 ? " ×" + seen[digit] : ""), "badge");
      badge.title = kind[1];
      cell.appendChild(badge);
    }
    return cell;
  }

  function detailRow(member, list) {
    const container = document.createElement("div");
    const sources = orgSources(member[4]);
    container.appendChild(element("p", "Org role " + orgRole(member) + (sources.length ? " through " + sources.join("; ") : "")
      + ((member[3] & ORG_OWNER) ? ": implicit access to every cloud and project" : "")));
    if (list.length > 0) {
      const table = document.createElement("table");
      const head = document.createElement("tr");
      for (const name of ["Resource", "Id", "Role", "Paths", "Notes"]) head.appendChild(element("th", name));
      const thead = document.createElement("thead");
      thead.appendChild(head);
      table.appendChild(thead);
      const body = document.createElement("tbody");
      for (const entry of list) {
        const label = (entry.type === "cloud" ? "cloud " : "\u2003project ") + entry.name;
        const roleCell = element("span", entry.role, "role-" + entry.role);
        body.appendChild(row([label, entry.id, roleCell, entry.paths.map(function (path) { return path.text; }).join("; "), notes(entry)]));
      }
      table.appendChild(body);
      container.appendChild(table);
    }
    const tr = document.createElement("tr");
    tr.className = "detail";
    const td = document.createElement("td");
    td.colSpan = 5;
    td.appendChild(container);
    tr.appendChild(td);
    return tr;
  }

  function render() {
    const body = document.getElementById("member-rows");
    body.replaceChildren();
    const pages = Math.max(1, Math.ceil(state.matches.length / PAGE_SIZE));
    state.page = Math.min(Math.max(state.page, 0), pages - 1);
    const first = state.page * PAGE_SIZE;
    const shown = state.matches.slice(first, first + PAGE_SIZE);
    for (const index of shown) {
      const member = data.members[index];
      const list = entries(access[index]);
      const kind = (member[3] & SERVICE_ACCOUNT) ? "service account" : "person";
      body.appendChild(row([memberCell(member), kind, orgRole(member), accessSummary(list), anomalyCell(member[5])]));
      body.appendChild(detailRow(member, list));
    }
    document.getElementById("page").textContent = "page " + (state.page + 1) + " of " + pages;
    controls.previous.disabled = state.page === 0;
    controls.next.disabled = state.page >= pages - 1;
    const status = state.matches.length === 0
      ? "No member matches."
      : "Showing " + (first + 1) + "\u2013" + (first + shown.length) + " of " + state.matches.length
        + " matching members (" + data.members.length + " in all).";
    document.getElementById("status").textContent = status;
    document.documentElement.dataset.matches = String(state.matches.length);
  }

  controls.filter.addEventListener("input", function () {
    state.filter = controls.filter.value.trim().toLowerCase();
    applyFilters();
    render();
  });
  controls.resource.addEventListener("input", function () {
    state.resource = resourceTest(controls.resource.value);
    applyFilters();
    render();
  });
  controls.kind.addEventListener("change", function () {
    state.kind = controls.kind.value;
    applyFilters();
    render();
  });
  controls.previous.addEventListener("click", function () { state.page -= 1; render(); });
  controls.next.addEventListener("click", function () { state.page += 1; render(); });

  // A link such as report.html#filter=alice&kind=write&page=2 opens the table filtered: each value is
  // put into its control and the control's own event is fired, exactly as when a person types it.
  function applyLocation() {
    const parameters = new URLSearchParams(location.hash.slice(1));
    const inputs = [["filter", "input"], ["resource", "input"], ["kind", "change"]];
    for (const [name, event] of inputs) {
      if (parameters.has(name)) {
        controls[name].value = parameters.get(name);
        controls[name].dispatchEvent(new Event(event));
      }
    }
    const page = parseInt(parameters.get("page") || "1", 10);
    for (let turn = 1; turn < page && !controls.next.disabled; turn++) controls.next.click();
  }

  // Returns the member records and entries: plain in small reports, gzip-compressed (base64) in large
  // ones, which the browser's own DecompressionStream inflates without any request.
  async function loadMembers() {
    if (!data.packed) return { members: data.members, access: data.access };
    const binary = atob(data.packed);
    const bytes = new Uint8Array(binary.length);
    for (let position = 0; position < binary.length; position++) bytes[position] = binary.charCodeAt(position);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }

  function start(loaded) {
    data.members = loaded.members;
    access = loaded.access;
    applyFilters();
    render();
    applyLocation();
    window.addEventListener("hashchange", applyLocation);
    document.documentElement.dataset.ready = "true";
    // Milliseconds from the start of navigation (HTML parsing included) until the table is usable.
    document.documentElement.dataset.loadMs = String(Math.round(performance.now()));
    document.documentElement.dataset.scriptMs = String(Math.round(performance.now() - started));
  }

  loadMembers().then(start, function (error) {
    document.getElementById("status").textContent = "The member table could not be read: " + error;
  });
})();
