// Desa choices follow the chosen kecamatan. Without JavaScript the desa list stays grouped by
// kecamatan and the server checks that the two match.
(function () {
  function narrowDesa(kecamatanSelect, desaSelect) {
    var kecamatan = kecamatanSelect.value;
    Array.prototype.forEach.call(desaSelect.querySelectorAll("optgroup"), function (group) {
      var options = group.querySelectorAll("option");
      var anyShown = false;
      Array.prototype.forEach.call(options, function (option) {
        var show = !kecamatan || option.dataset.kecamatan === kecamatan;
        option.hidden = !show;
        option.disabled = !show;
        anyShown = anyShown || show;
      });
      group.hidden = !anyShown;
    });
    var chosen = desaSelect.options[desaSelect.selectedIndex];
    if (chosen && chosen.disabled) {
      desaSelect.value = "";
    }
  }

  document.querySelectorAll("form").forEach(function (form) {
    var kecamatanSelect = form.querySelector("[data-kecamatan-select]");
    var desaSelect = form.querySelector("[data-desa-select]");
    if (!kecamatanSelect || !desaSelect) {
      return;
    }
    narrowDesa(kecamatanSelect, desaSelect);
    kecamatanSelect.addEventListener("change", function () {
      narrowDesa(kecamatanSelect, desaSelect);
    });
    // Picking a desa first fills in its kecamatan.
    desaSelect.addEventListener("change", function () {
      var chosen = desaSelect.options[desaSelect.selectedIndex];
      if (chosen && chosen.dataset.kecamatan && !kecamatanSelect.value) {
        kecamatanSelect.value = chosen.dataset.kecamatan;
        narrowDesa(kecamatanSelect, desaSelect);
      }
    });
  });

  // Auto-submit filter forms marked so, for quick browsing on a phone.
  document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
