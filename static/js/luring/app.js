// The /luring/ page: prepare (download the bundle), record offline, queue, send.
(function () {
  "use strict";
  var DB = self.LuringDB;
  var check = self.LuringChecks;
  var urls = JSON.parse(document.body.dataset.urls);
  var bundle = null;
  var MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember"];
  var STATUS_WORDS = { diterima: "diterima", cocok: "cocok dengan usaha yang ada (menunggu konfirmasi staf)",
    sudah_diterima: "sudah diterima sebelumnya", ditolak: "ditolak" };

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  function tanggal(iso) {
    var day = new Date(iso.length === 10 ? iso + "T00:00:00" : iso);
    return day.getDate() + " " + MONTHS[day.getMonth()] + " " + day.getFullYear();
  }
  function jam(iso) {
    var when = new Date(iso);
    return tanggal(iso) + " " + String(when.getHours()).padStart(2, "0") + "." + String(when.getMinutes()).padStart(2, "0");
  }
  function today() {
    var now = new Date();
    return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  }
  function newUuid() {
    if (self.crypto.randomUUID) return self.crypto.randomUUID();
    var bytes = self.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }
  function byId(list, id) {
    return (list || []).find(function (item) { return String(item.id) === String(id); });
  }

  // --- filling the forms from the bundle ---------------------------------------------------------

  function options(select, items, label, blank, key) {
    select.replaceChildren();
    if (blank !== undefined) select.append(new Option(blank, ""));
    items.forEach(function (item) { select.append(new Option(label(item), key ? key(item) : item.id)); });
  }
  function name(item) { return item.name; }

  function checkboxes(box, items, field, label) {
    box.replaceChildren();
    items.forEach(function (item) {
      var wrap = document.createElement("div");
      wrap.className = "form-check";
      var input = document.createElement("input");
      input.className = "form-check-input";
      input.type = "checkbox";
      input.name = field;
      input.value = item.id;
      input.id = field + "-" + item.id;
      var text = document.createElement("label");
      text.className = "form-check-label";
      text.htmlFor = input.id;
      text.textContent = label(item);
      wrap.append(input, text);
      box.append(wrap);
    });
    if (!items.length) box.textContent = "Tidak ada.";
  }

  function narrowDesa(form) {
    var kecamatan = $("[data-kecamatan]", form);
    var desa = $("[data-desa]", form);
    if (!kecamatan || !desa) return;
    var chosen = desa.value;
    var list = bundle.desa.filter(function (d) { return String(d.kecamatan_id) === kecamatan.value; });
    options(desa, list, name, "— pilih desa —");
    if (byId(list, chosen)) desa.value = chosen;
  }

  function fillForms() {
    var businesses = bundle.businesses;
    options($("#sesi-sesi"), bundle.sessions, function (s) { return s.label; }, "Sesi baru");
    options($("#sesi-jenis"), bundle.session_kinds, name);
    $all("[data-kecamatan]").forEach(function (select) { options(select, bundle.kecamatan, name, "— pilih kecamatan —"); });
    checkboxes($("[data-topik]"), bundle.topics, "topics", name);
    checkboxes($("[data-hadir]"), businesses, "attendees", function (b) {
      return b.name + " — " + b.owner_name + " (Desa " + b.desa_name + ")";
    });
    // An assessment belongs to the enrolment, not to the business: the choice is the enrolment.
    options($("#nilai-usaha"), businesses, function (b) { return b.name + " — " + b.owner_name; }, "— pilih usaha —",
      function (b) { return b.enrolment; });
    checkboxes($("[data-indikator]"), bundle.indicators, "indicators", name);
    options($("#daftar-kegiatan"), bundle.events, function (e) { return e.name + " (" + tanggal(e.held_on) + ")"; }, "— pilih kegiatan —");
    options($("#daftar-sektor"), bundle.sectors, name, "— pilih sektor —");
    $all("form[data-kind]").forEach(function (form) { narrowDesa(form); resetDates(form); });
  }

  function resetDates(form) {
    $all("input[type=date]", form).forEach(function (input) { if (!input.value) input.value = today(); });
  }

  function showBundle() {
    var text = $("#isi-perangkat");
    if (!bundle) {
      text.textContent = "Belum ada data di perangkat ini. Ketuk “Siapkan kerja luring” selagi ada sinyal.";
      return;
    }
    text.textContent = "Di perangkat ini: " + bundle.businesses.length + " usaha dampingan, " +
      bundle.sessions.length + " sesi terakhir, " + bundle.events.length + " kegiatan, " +
      bundle.topics.length + " topik, " + bundle.kecamatan.length + " kecamatan, " + bundle.desa.length +
      " desa, " + bundle.sectors.length + " sektor" +
      (bundle.programme ? " (" + bundle.programme.name + ")" : "") +
      ". Diunduh " + jam(bundle.fetched_at) + " untuk " + bundle.user.name + ".";
    fillForms();
  }

  // --- preparing ----------------------------------------------------------------------------------

  async function prepare() {
    var message = $("#pesan-siapkan");
    message.textContent = "Mengunduh…";
    try {
      var response = await fetch(urls.bundle, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.status === 401) { askToLogIn(); message.textContent = ""; return; }
      if (!response.ok) { message.textContent = (await response.json()).message || "Gagal mengunduh."; return; }
      bundle = await response.json();
      await DB.put("bekal", bundle, "bekal");
      if (navigator.storage && navigator.storage.persist) await navigator.storage.persist();
      message.textContent = "Siap. Data tersimpan di perangkat.";
      showBundle();
    } catch (error) {
      message.textContent = "Tidak ada sinyal. Siapkan lagi saat tersambung.";
    }
  }

  function askToLogIn() {
    $("#perlu-masuk").hidden = false;
  }

  // --- reading and checking a form ------------------------------------------------------------------

  function value(form, field) {
    var input = form.elements[field];
    return input ? String(input.value).trim() : "";
  }
  function ticked(form, field) {
    // Disabled boxes are what the server has already (attendees of a downloaded session).
    return $all("input[name=" + field + "]:checked:not(:disabled)", form).map(function (input) { return Number(input.value); });
  }

  function readSession(form, errors) {
    var attendees = ticked(form, "attendees");
    var known = byId(bundle.sessions, value(form, "session"));
    if (known) {
      if (!attendees.length) errors.push("Centang paling sedikit satu usaha yang hadir.");
      return { data: { session: known.id, version: known.version, attendees: attendees },
        label: known.label + " — " + attendees.length + " hadir" };
    }
    var data = {
      programme: bundle.programme && bundle.programme.id, held_on: value(form, "held_on"), kind: value(form, "kind"),
      duration_minutes: value(form, "duration_minutes"), kecamatan: value(form, "kecamatan"), desa: value(form, "desa"),
      venue: value(form, "venue"), notes: value(form, "notes"), topics: ticked(form, "topics"), attendees: attendees,
    };
    errors.push(check.required(data.programme, "Program"), check.required(data.held_on, "Tanggal"),
      check.required(data.kecamatan, "Kecamatan"));
    if (data.held_on) errors.push(check.notInFuture(data.held_on, "Tanggal sesi"));
    if (data.held_on && bundle.programme && (data.held_on < bundle.programme.starts_on || data.held_on > bundle.programme.ends_on)) {
      errors.push("Tanggal di luar masa program.");
    }
    var minutes = Number(data.duration_minutes);
    if (!(minutes >= 15 && minutes <= 720)) errors.push("Lama sesi 15 menit sampai 12 jam.");
    if (data.desa) errors.push(check.desaInKecamatan(bundle, data.desa, data.kecamatan));
    if (!data.topics.length) errors.push("Pilih paling sedikit satu topik.");
    var place = byId(bundle.kecamatan, data.kecamatan);
    return { data: data, label: "Sesi " + (data.held_on ? tanggal(data.held_on) : "") + ", Kec. " +
      (place ? place.name : "?") + " — " + attendees.length + " hadir" };
  }

  function readAssessment(form, errors) {
    var business = bundle.businesses.find(function (b) { return String(b.enrolment) === value(form, "enrolment"); });
    var data = {
      enrolment: business ? business.enrolment : "", assessed_on: value(form, "assessed_on"),
      turnover: value(form, "turnover").replace(/\./g, ""), capital: value(form, "capital").replace(/\./g, ""),
      employees: value(form, "employees") || "0", notes: value(form, "notes"),
      latest_assessment: business ? business.latest_assessment : null,
    };
    $all("input[name=indicators]", form).forEach(function (input) { data[input.value] = input.checked; });
    errors.push(check.required(data.enrolment, "Usaha"), check.required(data.assessed_on, "Tanggal penilaian"),
      check.wholeNumber(data.turnover, "Omzet"), check.wholeNumber(data.capital, "Modal usaha"),
      check.wholeNumber(data.employees, "Jumlah tenaga kerja"));
    if (data.assessed_on) errors.push(check.notInFuture(data.assessed_on, "Tanggal penilaian"));
    return { data: data, label: "Penilaian " + (business ? business.name : "") };
  }

  function readWalkIn(form, errors) {
    var data = {};
    ["event", "name", "owner_name", "owner_nik", "nib", "phone", "sector", "kecamatan", "desa", "purpose"].forEach(function (field) {
      data[field] = value(form, field);
    });
    errors.push(check.required(data.event, "Kegiatan"), check.required(data.name, "Nama usaha"),
      check.required(data.owner_name, "Nama pemilik"), check.required(data.owner_nik, "NIK pemilik"),
      check.required(data.sector, "Sektor"), check.required(data.kecamatan, "Kecamatan"),
      check.required(data.desa, "Desa"), check.required(data.purpose, "Keperluan"));
    if (data.owner_nik) errors.push(check.nik(data.owner_nik));
    if (data.nib) errors.push(check.nib(data.nib));
    if (data.phone) errors.push(check.phone(data.phone));
    if (data.desa && data.kecamatan) errors.push(check.desaInKecamatan(bundle, data.desa, data.kecamatan));
    var event = byId(bundle.events, data.event);
    return { data: data, label: "Pendaftaran " + data.name + " (" + data.owner_name + ")" + (event ? " — " + event.name : "") };
  }

  var READERS = { sesi: readSession, penilaian: readAssessment, pendaftaran: readWalkIn };

  async function save(form) {
    var box = $("[data-galat]", form);
    if (!bundle) { box.textContent = "Siapkan kerja luring dulu selagi ada sinyal."; box.hidden = false; return; }
    var errors = [];
    var read = READERS[form.dataset.kind](form, errors);
    errors = errors.filter(Boolean);
    if (errors.length) {
      box.replaceChildren();
      errors.forEach(function (text) { var line = document.createElement("div"); line.textContent = text; box.append(line); });
      box.hidden = false;
      box.scrollIntoView({ block: "center" });
      return;
    }
    box.hidden = true;
    var editing = form.dataset.uuid ? await DB.get("antrean", form.dataset.uuid) : null;
    if (editing && editing.current) {
      // The person has seen what changed on the server and saves again: send against what is there now.
      Object.assign(read.data, editing.current);
    }
    await DB.put("antrean", {
      uuid: editing ? editing.uuid : newUuid(), kind: form.dataset.kind,
      device_time: editing ? editing.device_time : new Date().toISOString(),
      data: read.data, label: read.label, state: "menunggu",
    });
    delete form.dataset.uuid;
    form.reset();
    resetDates(form);
    narrowDesa(form);
    if (form.id === "form-sesi") toggleKnownSession(form);
    openForm("");
    $("#pesan-kirim").textContent = "Tersimpan di perangkat: " + read.label + ".";
    await showQueue();
    askForSync();
    if (navigator.onLine) send();
  }

  // --- the queue ----------------------------------------------------------------------------------

  async function showQueue() {
    var queue = await DB.all("antrean");
    $("#jumlah-antrean").textContent = queue.length + " belum terkirim";
    $("#jumlah-antrean").className = "badge fs-6 " + (queue.length ? "text-bg-warning" : "text-bg-success");
    var list = $("#daftar-antrean");
    list.replaceChildren();
    queue.sort(function (a, b) { return a.device_time < b.device_time ? -1 : 1; }).forEach(function (record) {
      var item = document.createElement("li");
      item.className = "list-group-item d-flex flex-wrap gap-2 align-items-center";
      item.dataset.uuid = record.uuid;
      var text = document.createElement("span");
      text.className = "me-auto";
      text.textContent = record.label + " · dicatat " + jam(record.device_time);
      var badge = document.createElement("span");
      badge.className = "badge " + (record.state === "ditolak" ? "text-bg-danger" : "text-bg-secondary");
      badge.textContent = record.state === "ditolak" ? "Ditolak" : "Menunggu";
      item.append(text, badge);
      if (record.state === "ditolak") {
        var reason = document.createElement("div");
        reason.className = "w-100 small text-danger";
        reason.textContent = record.message;
        var edit = document.createElement("button");
        edit.type = "button";
        edit.className = "btn btn-sm btn-outline-primary";
        edit.textContent = "Ubah";
        edit.addEventListener("click", function () { editRecord(record); });
        item.append(edit, reason);
      }
      list.append(item);
    });
    var sent = await DB.all("terkirim");
    var history = $("#daftar-terkirim");
    history.replaceChildren();
    sent.sort(function (a, b) { return a.sent_at < b.sent_at ? 1 : -1; }).forEach(function (line) {
      var item = document.createElement("li");
      item.className = "list-group-item";
      item.textContent = line.label + " — " + line.message;
      history.append(item);
    });
    $("#riwayat-kirim").hidden = !sent.length;
  }

  function editRecord(record) {
    var form = $("form[data-kind=" + record.kind + "]");
    openForm(form.id);
    form.dataset.uuid = record.uuid;
    var data = record.data;
    Object.keys(data).forEach(function (field) {
      var input = form.elements[field];
      if (input && input.tagName) input.value = data[field] === null ? "" : data[field];
    });
    narrowDesa(form);
    if (data.desa && form.elements.desa) form.elements.desa.value = data.desa;
    $all("input[type=checkbox]", form).forEach(function (box) {
      box.checked = Array.isArray(data[box.name]) ? data[box.name].indexOf(Number(box.value)) !== -1 : Boolean(data[box.value]);
    });
    if (record.kind === "sesi") toggleKnownSession(form);
    var box = $("[data-galat]", form);
    box.textContent = "Ditolak server: " + record.message;
    box.hidden = false;
  }

  async function send() {
    var message = $("#pesan-kirim");
    // Without signal there is nothing to try (the browser knows it is offline); the queue waits.
    var result = navigator.onLine ? (message.textContent = "Mengirim…", await self.LuringSend(urls)) : { outcome: "luring" };
    if (result.outcome === "masuk") {
      askToLogIn();
      message.textContent = "Belum terkirim: masuk lagi dulu.";
    } else if (result.outcome === "luring") {
      message.textContent = "Belum ada sinyal. Catatan dikirim otomatis saat tersambung.";
    } else if (result.outcome === "gagal") {
      message.textContent = result.message;
    } else if (result.outcome === "kosong") {
      message.textContent = "Tidak ada yang perlu dikirim.";
    } else {
      $("#perlu-masuk").hidden = true;
      var parts = Object.keys(result.tally).filter(function (k) { return result.tally[k]; }).map(function (k) {
        return result.tally[k] + " " + STATUS_WORDS[k];
      });
      message.textContent = "Hasil kiriman: " + parts.join(", ") + ".";
    }
    await showQueue();
  }

  function askForSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register("kirim-antrean");
    }).catch(function () {});
  }

  // --- the page -----------------------------------------------------------------------------------

  function openForm(id) {
    $all("form[data-kind]").forEach(function (form) { form.hidden = form.id !== id; });
    $all("[data-buka]").forEach(function (button) { button.classList.toggle("active", button.dataset.buka === id); });
  }

  function toggleKnownSession(form) {
    var known = byId(bundle && bundle.sessions, form.elements.session.value);
    $("[data-sesi-baru]", form).hidden = Boolean(known);
    $all("input[name=attendees]", form).forEach(function (box) {
      var present = known && known.attendees.indexOf(Number(box.value)) !== -1;
      box.disabled = Boolean(present);
      if (present) box.checked = true;
    });
  }

  function showNetwork() {
    var badge = $("#jaringan");
    badge.textContent = navigator.onLine ? "Tersambung" : "Tanpa sinyal";
    badge.className = "badge " + (navigator.onLine ? "text-bg-success" : "text-bg-danger");
  }

  async function logOut(event) {
    event.preventDefault();
    var form = event.target;
    var queue = await DB.all("antrean");
    if (queue.length && !window.confirm(queue.length + " catatan belum terkirim dan akan dihapus dari perangkat ini. Tetap keluar?")) {
      return;
    }
    try {
      var response = await fetch(urls.status, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) form.elements.csrfmiddlewaretoken.value = (await response.json()).csrf_token;
    } catch (error) {
      window.alert("Keluar perlu sinyal.");
      return;
    }
    form.submit();
  }

  async function start() {
    await DB.put("meta", urls, "urls");
    $all("[data-buka]").forEach(function (button) {
      button.addEventListener("click", function () { openForm(button.dataset.buka); });
    });
    $all("form[data-kind]").forEach(function (form) {
      form.addEventListener("submit", function (event) { event.preventDefault(); save(form); });
      $all("[data-kecamatan]", form).forEach(function (select) {
        select.addEventListener("change", function () { narrowDesa(form); });
      });
    });
    $("#sesi-sesi").addEventListener("change", function () { toggleKnownSession($("#form-sesi")); });
    $("#daftar-kegiatan").addEventListener("change", function () {
      var form = $("#form-pendaftaran");
      var event = byId(bundle.events, form.elements.event.value);
      if (event && !form.elements.kecamatan.value) {
        form.elements.kecamatan.value = event.kecamatan;
        narrowDesa(form);
        if (event.desa) form.elements.desa.value = event.desa;
      }
    });
    $("#siapkan").addEventListener("click", prepare);
    $("#kirim").addEventListener("click", send);
    $("#form-keluar").addEventListener("submit", logOut);
    window.addEventListener("online", function () { showNetwork(); send(); });
    window.addEventListener("offline", showNetwork);
    showNetwork();
    bundle = (await DB.get("bekal", "bekal")) || null;
    showBundle();
    await showQueue();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.addEventListener("message", function (event) { if (event.data === "kirim") send(); });
      navigator.serviceWorker.register(urls.worker, { scope: "/" }).catch(function () {});
      navigator.serviceWorker.ready.then(function () {
        $("#status-aplikasi").textContent = "Aplikasi siap dipakai tanpa sinyal.";
        document.body.dataset.appSiap = "ya";
      });
    }
    if (navigator.onLine) send();
  }

  start();
})();
