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
  const WRITE = /\/[ocOC]\//;
  const controls = {
    filter: document.getElementById("filter"),
    resource: document.getElementById("resource"),
    kind: document.getElementById("kind"),
    previous: document.getElementById("previous"),
    next: document.getElementById("next"),
  };
  const state = { filter: "", resource: null, resourceText: "", kind: "all", page: 0, matches: [] };

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
      return "group " + groupName(parseInt(token.slice(1, -1), 36)) + ": " + role;
    });
  }

  // Decodes the entries "c<ix>/<role>/<paths> p<ix>/<role>/<paths> ...".
  function entries(access) {
    if (access === "") return [];
    let cloud = null;
    return access.split(" ").map(function (token) {
      const parts = token.split("/");
      const type = parts[0][0] === "c" ? "cloud" : "project";
      const index = parseInt(parts[0].slice(1), 36);
      const record = type === "cloud" ? data.clouds[index] : data.projects[index];
      if (type === "cloud") cloud = record;
      const letter = parts[1];
      const paths = parts[2].split("+").map(function (path) {
        if (path[0] === "d") return { text: "direct " + LEVELS[path[1]], group: null, role: LEVELS[path[1]] };
        const role = ROLES[path.slice(-1)];
        return { text: "group " + groupName(parseInt(path.slice(1, -1), 36)) + ": " + role, group: path, role: role };
      });
      return {
        type: type, id: record[0], name: record[1], cloud: cloud, role: ROLES[letter.toLowerCase()],
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

  function kindMatches(member) {
    switch (state.kind) {
      case "owners": return (member[3] & ORG_OWNER) !== 0;
      case "write": return WRITE.test(member[5]);
      case "service-accounts": return (member[3] & SERVICE_ACCOUNT) !== 0;
      case "privileged-service-accounts": return (member[3] & SERVICE_ACCOUNT) !== 0 && WRITE.test(member[5]);
      case "no-access": return member[5] === "";
      case "anomalies": return member[6] !== "";
      default: return true;
    }
  }

  function textMatches(member) {
    if (state.filter === "") return true;
    return member[0].toLowerCase().includes(state.filter) || member[1].toLowerCase().includes(state.filter)
      || member[2].toLowerCase().includes(state.filter);
  }

  // Returns a pattern matching the entries or group memberships of the named cloud, project or group.
  function resourcePattern(text) {
    const wanted = text.trim().toLowerCase();
    if (wanted === "") return null;
    const alternatives = [];
    const named = function (record) { return record[0].toLowerCase() === wanted || record[1].toLowerCase() === wanted; };
    data.clouds.forEach(function (record, index) { if (named(record)) alternatives.push("(^| )c" + index.toString(36) + "/"); });
    data.projects.forEach(function (record, index) { if (named(record)) alternatives.push("(^| )p" + index.toString(36) + "/"); });
    data.groups.forEach(function (record, index) { if (named(record)) alternatives.push("[/+ ]g" + index.toString(36) + "[ocr]( |\\+|$)"); });
    return alternatives.length === 0 ? /$^/ : new RegExp(alternatives.join("|"));
  }

  function resourceMatches(member) {
    if (state.resource === null) return true;
    return state.resource.test(member[5]) || state.resource.test(" " + member[4]);
  }

  function applyFilters() {
    state.matches = [];
    for (let index = 0; index < data.members.length; index++) {
      const member = data.members[index];
      if (kindMatches(member) && textMatches(member) && resourceMatches(member)) state.matches.push(index);
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
      const list = entries(member[5]);
      const kind = (member[3] & SERVICE_ACCOUNT) ? "service account" : "person";
      body.appendChild(row([memberCell(member), kind, orgRole(member), accessSummary(list), anomalyCell(member[6])]));
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
    state.resource = resourcePattern(controls.resource.value);
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

  applyFilters();
  render();
  applyLocation();
  window.addEventListener("hashchange", applyLocation);
  document.documentElement.dataset.ready = "true";
  document.documentElement.dataset.renderMs = String(Math.round(performance.now() - started));
})();
