// The offline app's storage in IndexedDB, for the page and the service worker alike.
// Stores: "bekal" (the downloaded bundle, one entry), "antrean" (records not yet accepted, by UUID),
// "terkirim" (what was sent, without personal data), "meta" (the CSRF token).
(function (scope) {
  "use strict";
  var NAME = "umkm-luring";
  var VERSION = 1;

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        db.createObjectStore("bekal");
        db.createObjectStore("antrean", { keyPath: "uuid" });
        db.createObjectStore("terkirim", { keyPath: "uuid" });
        db.createObjectStore("meta");
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(store, mode);
        var request = work(transaction.objectStore(store));
        transaction.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  scope.LuringDB = {
    get: function (store, key) { return run(store, "readonly", function (s) { return s.get(key); }); },
    all: function (store) { return run(store, "readonly", function (s) { return s.getAll(); }); },
    put: function (store, value, key) {
      return run(store, "readwrite", function (s) { return key === undefined ? s.put(value) : s.put(value, key); });
    },
    remove: function (store, key) { return run(store, "readwrite", function (s) { return s.delete(key); }); },
  };
})(self);
