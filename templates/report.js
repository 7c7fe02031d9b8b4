"use strict";
// The tables of report.html: the clouds and projects, and the members, decoded from the data block
// (format permaudit-html-data/2, see docs/reports.md) one page at a time, so that a 100,000-member
// organization stays responsive; sortable by column, filtered by text, kind, resource and role; and
// drawn whole before printing. Data is only ever put into the page as text (textContent), never parsed
// as markup.
(function () {
  const started = performance.now();
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const PAGE_SIZE = 50;
  // Printing draws every matching member and resource; beyond this many of each the print holds the
  // first ones only (the CSV files hold everything), since a browser cannot lay out millions of lines.
  const PRINT_LIMIT = 10000;
  const ROLES = { o: "owner", c: "collaborator", r: "readonly" };
  const RANK = { none: 0, readonly: 1, collaborator: 2, owner: 3 };
  const LEVELS = { o: "owner", w: "write", r: "readonly" };
  const SERVICE_ACCOUNT = 1;
  const ORG_OWNER = 2;
  // An entry whose role is owner or collaborator: a cloud or project token followed by o or c.
  const WRITE = /(^| )C?\d+[ocOC]/;
  const TOKEN = /^(C?)(\d+)([ocrOCR])(?:\^([ocr]))?(.*)$/;
  const PATH = /\.([owr])|g(\d+)([ocr])/g;
  const IMPLIED = { o: "o", c: "w", r: "r" };
  const $ = function (id) { return document.getElementById(id); };
  const controls = {
    filter: $("filter"), resource: $("resource"), kind: $("kind"), role: $("role"),
    previous: $("previous"), next: $("next"),
    resourceSearch: $("resource-search"), resourcesPrevious: $("resources-previous"), resourcesNext: $("resources-next"),
  };
  const state = {
    filter: "", resource: null, kind: "all", role: "any", sort: null, page: 0, matches: [],
    resourceText: "", resourceSort: null, resourcePage: 0, resourceRows: [], printing: false,
  };
  // One entries string per member, parallel to data.members; both filled by loadData.
  let access = [];
  // Each project's cloud (by data index), and per-member counts, filled when first needed.
  let projectCloud = [];
  let stats = null;

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

  function isOrgOwner(member) { return (member[3] & ORG_OWNER) !== 0; }

  function groupName(index) {
    const group = data.groups[index];
    return group[1] + " (" + group[0] + ")";
  }

  // Returns the org role and its sources from the base field ("lo", "g1c" ...).
  function orgRole(member) {
    if (isOrgOwner(member)) return "owner";
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

  function pathsOf(spelled) {
    const paths = [];
    for (const match of spelled.matchAll(PATH)) {
      if (match[1]) {
        paths.push({ text: "direct " + LEVELS[match[1]], group: false, role: LEVELS[match[1]] });
      } else {
        const groupRole = ROLES[match[3]];
        paths.push({ text: "group " + groupName(parseInt(match[2], 10)) + ": " + groupRole, group: true, role: groupRole });
      }
    }
    return paths;
  }

  // Decodes the entries "C<cloud><spec> <position><spec> ...": a cloud, then the projects under it by
  // their position in the cloud's project list; spec is the role letter (upper case when capped, then
  // "^" and the role granted when that is not collaborator) and the paths, left out for a single direct
  // grant whose level is the role.
  function entries(text) {
    if (text === "") return [];
    let cloud = null;
    return text.split(" ").map(function (token) {
      const [, isCloud, number, letter, granted, pathText] = TOKEN.exec(token);
      const position = parseInt(number, 10);
      let record;
      if (isCloud) {
        cloud = data.clouds[position];
        record = cloud;
      } else {
        record = data.projects[cloud[2][position]];
      }
      const role = ROLES[letter.toLowerCase()];
      const capped = letter !== letter.toLowerCase();
      return {
        type: isCloud ? "cloud" : "project", id: record[0], name: record[1], record: record, cloud: cloud,
        role: role, capped: capped, granted: granted ? ROLES[granted] : (capped ? "collaborator" : role),
        paths: pathsOf(pathText === "" ? "." + IMPLIED[letter] : pathText),
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

  // Returns the sentence of each of the member's anomalies. Capped project roles and dropped project
  // grants, most of the anomalies of a large organization, are worded here from the entries and the
  // orphans field, exactly as anomalies.csv words them; every other sentence comes with the data.
  function sentences(member, list) {
    const extra = member[6] || {};
    const orphans = extra.orphans ? extra.orphans.split(" ") : [];
    const given = extra.notes || [];
    const capped = list.filter(function (entry) { return entry.type === "project" && entry.capped; });
    const email = member[1];
    const counters = { orphan: 0, capped: 0, given: 0 };
    // Orphan project numbers are each given as the difference from the one before.
    let project = 0;
    return Array.from(member[5]).map(function (digit) {
      const code = data.kinds[parseInt(digit, 36)][0];
      if (code === "project-role-capped") {
        const entry = capped[counters.capped++];
        return [code, "`" + email + "` is granted `" + entry.granted + "` on project `" + entry.name
          + "`, capped to `readonly` by the readonly role on cloud `" + entry.cloud[1] + "`"];
      }
      if (code === "orphan-project-grant") {
        const [, difference, path] = /^(-?\d+)(.*)$/.exec(orphans[counters.orphan++]);
        project += parseInt(difference, 10);
        return [code, "`" + email + "` holds " + pathsOf(path)[0].text + " on project `" + data.projects[project][1]
          + "` but no role on its cloud `" + data.clouds[projectCloud[project]][1] + "`; the grant is dropped"];
      }
      return [code, given[counters.given++]];
    });
  }

  // Returns a member's clouds, projects and highest role rank (0 none to 3 owner); org owners reach
  // every cloud and project, as owner, implicitly.
  function statsOf(index) {
    if (isOrgOwner(data.members[index])) return [data.clouds.length, data.projects.length, RANK.owner];
    const text = access[index];
    const letters = { o: 3, c: 2, r: 1, O: 3, C: 2, R: 1 };
    let clouds = 0, tokens = 0, highest = 0, position = 0;
    while (position < text.length) {
      if (text[position] === "C") { clouds++; position++; }
      while (text.charCodeAt(position) >= 48 && text.charCodeAt(position) <= 57) position++;
      highest = Math.max(highest, letters[text[position]] || 0);
      tokens++;
      const next = text.indexOf(" ", position);
      if (next < 0) break;
      position = next + 1;
    }
    return [clouds, tokens - clouds, highest];
  }

  // Counts every member once, when a sort or the role filter first needs it.
  function memberStats() {
    if (stats) return stats;
    const count = data.members.length;
    stats = { clouds: new Uint32Array(count), projects: new Uint32Array(count), highest: new Uint8Array(count) };
    for (let index = 0; index < count; index++) {
      const [clouds, projects, highest] = statsOf(index);
      stats.clouds[index] = clouds;
      stats.projects[index] = projects;
      stats.highest[index] = highest;
    }
    return stats;
  }

  function kindMatches(member, entriesText) {
    switch (state.kind) {
      case "owners": return isOrgOwner(member);
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

  // Returns what a search for a cloud, project or group names, or null for an empty search.
  function resourceSearch(text) {
    const wanted = text.trim().toLowerCase();
    if (wanted === "") return null;
    const named = function (record) { return record[0].toLowerCase() === wanted || record[1].toLowerCase() === wanted; };
    const search = { clouds: new Set(), projects: new Set(), groups: new Set(), groupPattern: null };
    data.clouds.forEach(function (record, index) { if (named(record)) search.clouds.add(index); });
    data.projects.forEach(function (record, index) { if (named(record)) search.projects.add(index); });
    data.groups.forEach(function (record, index) { if (named(record)) search.groups.add(index); });
    if (search.groups.size > 0) search.groupPattern = new RegExp("g(" + Array.from(search.groups).join("|") + ")[ocr]");
    search.resources = search.clouds.size + search.projects.size > 0;
    return search;
  }

  // Returns the member's highest role on the searched clouds and projects ("none" without one); org
  // owners hold owner there implicitly.
  function searchedRole(member, entriesText) {
    if (isOrgOwner(member)) return "owner";
    const search = state.resource;
    let best = "none";
    let cloud = null;
    for (const token of entriesText === "" ? [] : entriesText.split(" ")) {
      const [, isCloud, number, letter] = TOKEN.exec(token);
      const position = parseInt(number, 10);
      if (isCloud) cloud = position;
      const hit = isCloud ? search.clouds.has(position) : search.projects.has(data.clouds[cloud][2][position]);
      const role = ROLES[letter.toLowerCase()];
      if (hit && RANK[role] > RANK[best]) best = role;
    }
    return best;
  }

  function resourceMatches(member, entriesText) {
    const search = state.resource;
    if (search === null) return true;
    if (search.groupPattern && (search.groupPattern.test(member[4]) || search.groupPattern.test(entriesText))) return true;
    return search.resources && searchedRole(member, entriesText) !== "none";
  }

  function roleMatches(index, member, entriesText) {
    if (state.role === "any") return true;
    const role = state.resource && state.resource.resources
      ? searchedRole(member, entriesText)
      : ["none", "readonly", "collaborator", "owner"][memberStats().highest[index]];
    return role === state.role;
  }

  const SORT_KEYS = {
    email: function () { return null; },
    kind: function (index) { return data.members[index][3] & SERVICE_ACCOUNT; },
    org: function (index) { return RANK[orgRole(data.members[index])]; },
    highest: function (index) { return memberStats().highest[index]; },
    clouds: function (index) { return memberStats().clouds[index]; },
    projects: function (index) { return memberStats().projects[index]; },
    anomalies: function (index) { return data.members[index][5].length; },
  };

  // Sorts the matches by the chosen column; equal values, and the member column, keep the output
  // order (email, then id).
  function sortMatches() {
    if (state.sort === null) return;
    const key = SORT_KEYS[state.sort.key];
    const direction = state.sort.descending ? -1 : 1;
    const values = new Float64Array(data.members.length);
    for (const index of state.matches) values[index] = key(index) || 0;
    state.matches.sort(function (a, b) { return direction * (values[a] - values[b]) || a - b; });
  }

  function applyFilters() {
    state.matches = [];
    for (let index = 0; index < data.members.length; index++) {
      const member = data.members[index];
      const entriesText = access[index];
      if (kindMatches(member, entriesText) && textMatches(member) && resourceMatches(member, entriesText)
        && roleMatches(index, member, entriesText)) {
        state.matches.push(index);
      }
    }
    sortMatches();
    state.page = 0;
  }

  function memberCell(member) {
    const cell = document.createElement("div");
    cell.appendChild(element("strong", member[1]));
    cell.appendChild(element("div", member[2]));
    cell.appendChild(element("div", member[0], "id muted"));
    return cell;
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

  // Returns the org owner's implicit entries on the searched clouds and projects.
  function implicitEntries() {
    const search = state.resource;
    if (!search || !search.resources) return [];
    const found = [];
    search.clouds.forEach(function (index) { found.push(["cloud", data.clouds[index]]); });
    search.projects.forEach(function (index) { found.push(["project", data.projects[index]]); });
    return found.map(function ([type, record]) {
      return row([element("span", type + " " + record[1] + " (implicit)", "implicit"), record[0],
        element("span", "owner", "role-owner"), "implicit: org owner (R1)", "not listed in permissions.json"]);
    });
  }

  function entryTable(member, list) {
    const implicit = isOrgOwner(member) ? implicitEntries() : [];
    if (list.length === 0 && implicit.length === 0) return null;
    const table = document.createElement("table");
    const head = document.createElement("tr");
    for (const name of ["Resource", "Id", "Role", "Paths", "Notes"]) head.appendChild(element("th", name));
    const thead = document.createElement("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    const body = document.createElement("tbody");
    for (const tr of implicit) body.appendChild(tr);
    for (const entry of list) {
      const label = (entry.type === "cloud" ? "cloud " : "\u2003project ") + entry.name;
      const roleCell = element("span", entry.role, "role-" + entry.role);
      body.appendChild(row([label, entry.id, roleCell, entry.paths.map(function (path) { return path.text; }).join("; "), notes(entry)]));
    }
    table.appendChild(body);
    return table;
  }

  function detailRow(member, list, columns) {
    const container = document.createElement("div");
    const sources = orgSources(member[4]);
    container.appendChild(element("p", "Org role " + orgRole(member) + (sources.length ? " through " + sources.join("; ") : "")
      + (isOrgOwner(member) ? ": implicit owner access to every cloud and project" : "")));
    const table = entryTable(member, list);
    if (table) container.appendChild(table);
    if (member[5] !== "") {
      const items = document.createElement("ul");
      items.className = "anomaly-sentences";
      for (const [code, sentence] of sentences(member, list)) {
        const item = document.createElement("li");
        item.appendChild(element("code", code));
        item.appendChild(document.createTextNode(": " + sentence));
        items.appendChild(item);
      }
      container.appendChild(element("p", "Anomalies:"));
      container.appendChild(items);
    }
    const tr = document.createElement("tr");
    tr.className = "detail";
    const td = document.createElement("td");
    td.colSpan = columns;
    td.appendChild(container);
    tr.appendChild(td);
    return tr;
  }

  function memberRow(index, list) {
    const member = data.members[index];
    const [clouds, projects, rank] = statsOf(index);
    const owner = isOrgOwner(member);
    const kind = (member[3] & SERVICE_ACCOUNT) ? "service account" : "person";
    const highest = ["none", "readonly", "collaborator", "owner"][rank];
    const reach = function (count) { return owner ? element("span", count + " (all, implicit)", "implicit") : String(count); };
    const cells = [memberCell(member), kind, orgRole(member),
      owner ? element("span", "owner (implicit)", "role-owner implicit") : element("span", highest, "role-" + highest),
      reach(clouds), reach(projects), anomalyCell(member[5])];
    if (data.findings) cells.push(String(data.findings[index]));
    return row(cells);
  }

  function render() {
    const body = $("member-rows");
    body.replaceChildren();
    const pages = Math.max(1, Math.ceil(state.matches.length / PAGE_SIZE));
    state.page = Math.min(Math.max(state.page, 0), pages - 1);
    const first = state.page * PAGE_SIZE;
    const shown = state.matches.slice(first, first + PAGE_SIZE);
    const columns = data.findings ? 8 : 7;
    const fragment = document.createDocumentFragment();
    for (const index of shown) {
      const list = entries(access[index]);
      fragment.appendChild(memberRow(index, list));
      fragment.appendChild(detailRow(data.members[index], list, columns));
    }
    body.appendChild(fragment);
    $("page").textContent = "page " + (state.page + 1) + " of " + pages;
    controls.previous.disabled = state.page === 0;
    controls.next.disabled = state.page >= pages - 1;
    $("status").textContent = memberStatus(first, shown.length);
    document.documentElement.dataset.matches = String(state.matches.length);
    document.documentElement.dataset.shown = String(shown.length);
  }

  function memberStatus(first, shown) {
    if (state.matches.length === 0) return "No member matches.";
    let status = (state.printing
      ? (shown === state.matches.length ? "All " + shown : "The first " + shown + " (the CSV files hold every one) of " + state.matches.length)
      : "Showing " + (first + 1) + "\u2013" + (first + shown) + " of " + state.matches.length)
      + " matching members (" + data.members.length + " in all)" + (state.printing ? ", in a compact form." : ".");
    if (state.resource && state.resource.resources) {
      const owners = state.matches.filter(function (index) { return isOrgOwner(data.members[index]); }).length;
      status += " " + owners + " of them are org owners, who reach it implicitly.";
    }
    return status;
  }

  // Returns an entry in one line: "cloud prod (cld_1): readonly by direct readonly; group ml (ug_1):
  // collaborator, capped to readonly by direct readonly on cloud prod".
  function entryText(entry) {
    const note = notes(entry);
    return entry.type + " " + entry.name + " (" + entry.id + "): " + entry.role + " by "
      + entry.paths.map(function (path) { return path.text; }).join("; ") + (note ? ", " + note : "");
  }

  // Returns one member as the print shows it: a few lines of text rather than nested tables, which a
  // browser paginates slowly and which take two pages a member.
  function printedMember(index) {
    const member = data.members[index];
    const list = entries(access[index]);
    const block = element("div", null, "printed-member");
    const head = element("p");
    head.appendChild(element("strong", member[1]));
    const sources = orgSources(member[4]);
    const [, , rank] = statsOf(index);
    head.appendChild(document.createTextNode(" " + member[2] + " \u00b7 " + member[0] + " \u00b7 "
      + ((member[3] & SERVICE_ACCOUNT) ? "service account" : "person") + " \u00b7 org role " + orgRole(member)
      + (sources.length ? " through " + sources.join("; ") : "") + " \u00b7 highest role "
      + ["none", "readonly", "collaborator", "owner"][rank] + (isOrgOwner(member) ? " (implicit owner of every cloud and project)" : "")
      + (data.findings ? " \u00b7 findings " + data.findings[index] : "")));
    block.appendChild(head);
    const lines = isOrgOwner(member) ? implicitTexts() : [];
    block.appendChild(element("p", lines.concat(list.map(entryText)).join("; ") || "no explicit access"));
    if (member[5] !== "") {
      block.appendChild(element("p", "Anomalies: " + sentences(member, list).map(function ([code, sentence]) {
        return code + ": " + sentence;
      }).join(". "), "printed-anomalies"));
    }
    return block;
  }

  function implicitTexts() {
    const search = state.resource;
    if (!search || !search.resources) return [];
    const found = [];
    search.clouds.forEach(function (index) { found.push("cloud " + data.clouds[index][1] + " (" + data.clouds[index][0] + "): owner, implicit"); });
    search.projects.forEach(function (index) { found.push("project " + data.projects[index][1] + " (" + data.projects[index][0] + "): owner, implicit"); });
    return found;
  }

  function renderPrinted() {
    const container = $("members-printed");
    container.replaceChildren();
    if (!state.printing) return;
    const shown = state.matches.slice(0, PRINT_LIMIT);
    const fragment = document.createDocumentFragment();
    for (const index of shown) fragment.appendChild(printedMember(index));
    container.appendChild(fragment);
    $("status").textContent = memberStatus(0, shown.length);
  }

  // The clouds and projects table: each cloud, then its projects, then the projects of no known cloud.
  function resourceList() {
    const list = [];
    const placed = new Set();
    data.clouds.forEach(function (cloud, index) {
      list.push({ type: "cloud", record: cloud, counts: cloud.slice(3), order: list.length, label: "cloud " + cloud[1] });
      for (const project of cloud[2]) {
        placed.add(project);
        projectCloud[project] = index;
        const record = data.projects[project];
        list.push({ type: "project", record: record, counts: record.slice(2), order: list.length, label: "project " + record[1] + " (cloud " + cloud[1] + ")" });
      }
    });
    data.projects.forEach(function (record, index) {
      if (!placed.has(index)) list.push({ type: "project", record: record, counts: record.slice(2), order: list.length, label: "project " + record[1] + " (unknown cloud)" });
    });
    return list;
  }

  const RESOURCE_SORT = { order: null, owners: 0, collaborators: 1, readonly: 2, reaching: 3 };

  function applyResourceFilter(all) {
    const wanted = state.resourceText;
    state.resourceRows = all.filter(function (item) {
      return wanted === "" || item.record[0].toLowerCase().includes(wanted) || item.record[1].toLowerCase().includes(wanted);
    });
    const sort = state.resourceSort;
    if (sort !== null && RESOURCE_SORT[sort.key] !== null) {
      const column = RESOURCE_SORT[sort.key];
      const direction = sort.descending ? -1 : 1;
      state.resourceRows.sort(function (a, b) { return direction * (a.counts[column] - b.counts[column]) || a.order - b.order; });
    } else if (sort !== null && sort.descending) {
      state.resourceRows.reverse();
    }
    state.resourcePage = 0;
  }

  function resourceRow(item) {
    const link = element("a", item.label);
    link.href = "#resource=" + encodeURIComponent(item.record[0]);
    const label = document.createElement("span");
    if (item.type === "project") label.appendChild(document.createTextNode("\u2003"));
    label.appendChild(link);
    const tr = row([label, item.record[0]].concat(item.counts.map(String)));
    for (const cell of Array.from(tr.children).slice(2)) cell.className = "number";
    return tr;
  }

  function renderResources() {
    const body = $("resource-rows");
    body.replaceChildren();
    const rows = state.resourceRows;
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    state.resourcePage = Math.min(Math.max(state.resourcePage, 0), pages - 1);
    const first = state.printing ? 0 : state.resourcePage * PAGE_SIZE;
    const shown = rows.slice(first, first + (state.printing ? PRINT_LIMIT : PAGE_SIZE));
    const fragment = document.createDocumentFragment();
    for (const item of shown) fragment.appendChild(resourceRow(item));
    body.appendChild(fragment);
    $("resources-page").textContent = "page " + (state.resourcePage + 1) + " of " + pages;
    controls.resourcesPrevious.disabled = state.resourcePage === 0;
    controls.resourcesNext.disabled = state.resourcePage >= pages - 1;
    const owners = data.members.filter(isOrgOwner).length;
    $("resources-status").textContent = (rows.length === 0 ? "No cloud or project matches."
      : (state.printing && shown.length === rows.length ? "All " + rows.length : "Showing " + (first + 1) + "\u2013" + (first + shown.length) + " of " + rows.length)
        + " matching clouds and projects (" + (data.clouds.length + data.projects.length) + " in all).")
      + " Reaching includes the " + owners + " org owners, who reach every one implicitly.";
    document.documentElement.dataset.resources = String(rows.length);
  }

  // Column headers sort on click: a first click sorts numbers and roles from the highest, text from
  // the start; a second click reverses.
  function setSort(table, sortState, key) {
    const numeric = key !== "email" && key !== "order";
    const descending = sortState && sortState.key === key ? !sortState.descending : numeric;
    for (const header of table.querySelectorAll("th[aria-sort]")) {
      const button = header.querySelector("button");
      header.setAttribute("aria-sort", button.dataset.sort === key ? (descending ? "descending" : "ascending") : "none");
    }
    return { key: key, descending: descending };
  }

  function listen() {
    controls.filter.addEventListener("input", function () {
      state.filter = controls.filter.value.trim().toLowerCase();
      applyFilters();
      render();
    });
    controls.resource.addEventListener("input", function () {
      state.resource = resourceSearch(controls.resource.value);
      applyFilters();
      render();
    });
    controls.kind.addEventListener("change", function () { state.kind = controls.kind.value; applyFilters(); render(); });
    controls.role.addEventListener("change", function () { state.role = controls.role.value; applyFilters(); render(); });
    controls.previous.addEventListener("click", function () { state.page -= 1; render(); });
    controls.next.addEventListener("click", function () { state.page += 1; render(); });
    $("member-table").querySelector("thead").addEventListener("click", function (event) {
      const button = event.target.closest("button[data-sort]");
      if (!button) return;
      state.sort = setSort($("member-table"), state.sort, button.dataset.sort);
      applyFilters();
      render();
    });
  }

  function listenToResources(all) {
    controls.resourceSearch.addEventListener("input", function () {
      state.resourceText = controls.resourceSearch.value.trim().toLowerCase();
      applyResourceFilter(all);
      renderResources();
    });
    controls.resourcesPrevious.addEventListener("click", function () { state.resourcePage -= 1; renderResources(); });
    controls.resourcesNext.addEventListener("click", function () { state.resourcePage += 1; renderResources(); });
    $("resource-table").querySelector("thead").addEventListener("click", function (event) {
      const button = event.target.closest("button[data-sort]");
      if (!button) return;
      state.resourceSort = setSort($("resource-table"), state.resourceSort, button.dataset.sort);
      applyResourceFilter(all);
      renderResources();
    });
  }

  // A link such as report.html#filter=alice&kind=write&role=owner&sort=-clouds&page=2 opens the member
  // table filtered and sorted (a leading "-" sorts from the highest): each value is put into its
  // control and the control's own event is fired, exactly as when a person types it or clicks.
  function applyLocation(event) {
    const parameters = new URLSearchParams(location.hash.slice(1));
    const inputs = [["filter", "input"], ["resource", "input"], ["kind", "change"], ["role", "change"]];
    for (const [name, kind] of inputs) {
      if (parameters.has(name)) {
        controls[name].value = parameters.get(name);
        controls[name].dispatchEvent(new Event(kind));
      }
    }
    if (parameters.has("sort")) {
      const wanted = parameters.get("sort");
      const key = wanted.replace(/^-/, "");
      const button = $("member-table").querySelector("button[data-sort=\"" + (SORT_KEYS[key] ? key : "email") + "\"]");
      button.click();
      if (state.sort.descending !== wanted.startsWith("-")) button.click();
    }
    const page = parseInt(parameters.get("page") || "1", 10);
    for (let turn = 1; turn < page && !controls.next.disabled; turn++) controls.next.click();
    if (event && parameters.has("resource")) $("members").scrollIntoView();
  }

  // Printing draws every matching member (in the compact printed form, which the print stylesheet
  // shows instead of the table) and resource, and opens the folded tables; afterwards the page returns
  // to how it was.
  function listenToPrinting() {
    let closed = [];
    window.addEventListener("beforeprint", function () {
      closed = Array.from(document.querySelectorAll("details:not([open])"));
      for (const details of closed) details.open = true;
      state.printing = true;
      renderPrinted();
      renderResources();
    });
    window.addEventListener("afterprint", function () {
      for (const details of closed) details.open = false;
      state.printing = false;
      renderPrinted();
      render();
      renderResources();
    });
  }

  // Returns the data with its compressed part inflated: small reports carry everything in plain JSON,
  // large ones gzip-compressed (base64), which the browser's own DecompressionStream inflates without
  // any request.
  async function loadData() {
    if (!data.packed) return data;
    const binary = atob(data.packed);
    const bytes = new Uint8Array(binary.length);
    for (let position = 0; position < binary.length; position++) bytes[position] = binary.charCodeAt(position);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return Object.assign(data, JSON.parse(await new Response(stream).text()));
  }

  function start() {
    access = data.access;
    const resources = resourceList();
    if (data.findings) $("member-table").querySelector("thead tr").appendChild(element("th", "Findings"));
    listen();
    applyFilters();
    render();
    applyLocation();
    window.addEventListener("hashchange", applyLocation);
    document.documentElement.dataset.ready = "true";
    // Milliseconds from the start of navigation (HTML parsing included) until the table is usable.
    document.documentElement.dataset.loadMs = String(Math.round(performance.now()));
    document.documentElement.dataset.scriptMs = String(Math.round(performance.now() - started));
    listenToResources(resources);
    applyResourceFilter(resources);
    renderResources();
    listenToPrinting();
  }

  loadData().then(start, function (error) {
    $("status").textContent = "The member table could not be read: " + error;
  });
})();
