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

// Session form: the attendee list shows the chosen kecamatan's cohort first; the rest on request.
(function () {
  var list = document.querySelector("[data-attendees]");
  if (!list) {
    return;
  }
  var form = list.closest("form");
  var kecamatanSelect = form.querySelector("[data-kecamatan-select]");
  var showAll = list.querySelector("[data-show-all-attendees]");

  function narrow() {
    var kecamatan = kecamatanSelect ? kecamatanSelect.value : "";
    var everything = !kecamatan || (showAll && showAll.checked);
    list.querySelectorAll("[data-kecamatan]").forEach(function (row) {
      var ticked = row.querySelector("input").checked;
      row.hidden = !(everything || ticked || row.dataset.kecamatan === kecamatan);
    });
    list.querySelectorAll("[data-kecamatan-heading]").forEach(function (heading) {
      heading.hidden = !(everything || heading.dataset.kecamatanHeading === kecamatan);
    });
  }
  if (kecamatanSelect) {
    kecamatanSelect.addEventListener("change", narrow);
  }
  if (showAll) {
    showAll.addEventListener("change", narrow);
  }
  narrow();
})();

// "Tick all" in a search result table.
document.querySelectorAll("[data-check-all]").forEach(function (box) {
  box.addEventListener("change", function () {
    box.closest("table").querySelectorAll('input[name="' + box.dataset.checkAll + '"]').forEach(function (item) {
      item.checked = box.checked;
    });
  });
});

// A form that writes is sent once: a second tap on a slow phone connection would record twice.
document.querySelectorAll('form[method="post"]').forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    form.querySelectorAll('[type="submit"]').forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
      button.classList.add("disabled");
    });
  });
});
// Coming back with the browser's Back button shows the page as it was left: ready to send again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-sending]").forEach(function (form) {
    delete form.dataset.sending;
    form.querySelectorAll('[type="submit"]').forEach(function (button) {
      button.removeAttribute("aria-disabled");
      button.classList.remove("disabled");
    });
  });
});

// On paper, pages after the first repeat the printed header's line (office, page, programme, quarter,
// date) at their top: static/css/print.css writes this custom property into a page margin box.
(function () {
  var header = document.querySelector(".print-header");
  if (!header) {
    return;
  }
  var line = Array.prototype.map.call(header.querySelectorAll("p"), function (part) {
    return part.textContent.replace(/\s+/g, " ").trim();
  }).join(" · ");
  document.documentElement.style.setProperty("--print-running-header", JSON.stringify(line));
})();
