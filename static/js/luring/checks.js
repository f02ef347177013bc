// The online forms' checks, run on the device before a record joins the queue (registry/validators.py
// and the models' clean()). The server checks everything again when the record arrives.
(function (scope) {
  "use strict";
  var MOBILE = /^(?:0|\+62)8[1-35-9]\d{7,10}$/;
  var LANDLINE = /^(?:0|\+62)[2-79]\d{6,10}$/;

  function nik(value) {
    if (!/^\d{16}$/.test(value)) return "NIK harus 16 digit angka.";
    var day = parseInt(value.slice(6, 8), 10);
    var month = parseInt(value.slice(8, 10), 10);
    // Digits 7–8 are the birth day, plus 40 for women (Dukcapil format).
    if (!((day >= 1 && day <= 31) || (day >= 41 && day <= 71)) || month < 1 || month > 12) {
      return "NIK tidak sah: digit 7–12 harus tanggal lahir (DDMMYY).";
    }
    return "";
  }

  function nib(value) {
    return /^\d{13}$/.test(value) ? "" : "NIB harus 13 digit angka.";
  }

  function phone(value) {
    var digits = value.replace(/[\s\-.()]/g, "");
    return MOBILE.test(digits) || LANDLINE.test(digits)
      ? ""
      : "Nomor telepon tidak sah. Tulis 08…, +628… atau nomor rumah/kantor dengan kode area.";
  }

  function desaInKecamatan(bundle, desaId, kecamatanId) {
    var desa = (bundle.desa || []).find(function (d) { return String(d.id) === String(desaId); });
    if (!desa || String(desa.kecamatan_id) !== String(kecamatanId)) {
      return "Desa yang dipilih tidak terletak di kecamatan itu.";
    }
    return "";
  }

  function notInFuture(day, what) {
    var today = new Date();
    var local = new Date(today.getTime() - today.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
    return day > local ? what + " tidak boleh di masa depan." : "";
  }

  function wholeNumber(value, what) {
    return value === "" || /^\d+$/.test(value) ? "" : what + " harus angka bulat tanpa titik atau koma.";
  }

  function required(value, what) {
    return value === "" || value === undefined || value === null ? what + " wajib diisi." : "";
  }

  scope.LuringChecks = {
    nik: nik, nib: nib, phone: phone, desaInKecamatan: desaInKecamatan,
    notInFuture: notInFuture, wholeNumber: wholeNumber, required: required,
  };
})(self);
