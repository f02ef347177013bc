// Sending the queue: one POST of every waiting record; each answered accepted, matched, a repeat, or
// refused with its reason. Used by the page and by the service worker's Background Sync.
(function (scope) {
  "use strict";
  var running = null;

  function isJson(response) {
    return (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
  }

  // The CSRF cookie is HttpOnly: the token comes from the status endpoint, and again after a login.
  async function csrfToken(urls, fresh) {
    if (!fresh) {
      var kept = await scope.LuringDB.get("meta", "csrf");
      if (kept) return kept;
    }
    var response = await fetch(urls.status, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.status === 401) return null;
    if (!response.ok) throw new Error("Server menjawab " + response.status);
    var token = (await response.json()).csrf_token;
    await scope.LuringDB.put("meta", token, "csrf");
    return token;
  }

  function post(urls, records, token) {
    return fetch(urls.sync, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
      body: JSON.stringify({
        records: records.map(function (r) {
          return { uuid: r.uuid, kind: r.kind, device_time: r.device_time, data: r.data };
        }),
      }),
    });
  }

  async function keep(records, results) {
    var byUuid = new Map(records.map(function (r) { return [r.uuid, r]; }));
    var tally = { diterima: 0, cocok: 0, sudah_diterima: 0, ditolak: 0 };
    for (var i = 0; i < results.length; i++) {
      var answer = results[i];
      var record = byUuid.get(answer.uuid);
      if (!record) continue;
      tally[answer.status] = (tally[answer.status] || 0) + 1;
      if (answer.status === "ditolak") {
        // Refused: stays on the device, editable, with the reason (never dropped).
        record.state = "ditolak";
        record.message = answer.message;
        record.current = answer.current || {};
        await scope.LuringDB.put("antrean", record);
      } else {
        // Taken by the server: the NIK and the rest leave the device; a line without them stays.
        await scope.LuringDB.remove("antrean", record.uuid);
        // A repeat keeps the line of its first acceptance, if this device has it.
        if (answer.status === "sudah_diterima" && (await scope.LuringDB.get("terkirim", record.uuid))) continue;
        await scope.LuringDB.put("terkirim", {
          uuid: record.uuid, label: record.label, status: answer.status,
          message: answer.message, sent_at: new Date().toISOString(),
        });
      }
    }
    return tally;
  }

  async function run(urls) {
    var waiting = (await scope.LuringDB.all("antrean")).filter(function (r) { return r.state !== "ditolak"; });
    if (!waiting.length) return { outcome: "kosong" };
    try {
      var token = await csrfToken(urls, false);
      if (token === null) return { outcome: "masuk" };
      var response = await post(urls, waiting, token);
      if (response.status === 403 && !isJson(response)) {
        // Django's CSRF refusal (an HTML page): the token changed with a new login. Fetch it, try again.
        token = await csrfToken(urls, true);
        if (token === null) return { outcome: "masuk" };
        response = await post(urls, waiting, token);
      }
      if (response.status === 401) return { outcome: "masuk" };
      var body = isJson(response) ? await response.json() : {};
      if (!response.ok) return { outcome: "gagal", message: body.message || "Server menjawab " + response.status + "." };
      return { outcome: "terkirim", tally: await keep(waiting, body.results || []) };
    } catch (error) {
      return { outcome: "luring" };
    }
  }

  // One send at a time in this page or worker; another tab sending at once is harmless (UUIDs).
  scope.LuringSend = function (urls) {
    if (!running) {
      running = run(urls).finally(function () { running = null; });
    }
    return running;
  };
})(self);
