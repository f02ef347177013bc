// Dashboard charts. A page puts <canvas data-chart="ID"> next to {{ chart|json_script:"ID" }}, where
// the JSON (built by umkm_blitar.charts) holds type, labels, datasets and, optionally, one link per
// label: clicking a bar or point opens the list behind it. No inline script, no CDN.
(function () {
  if (typeof Chart === "undefined") {
    return;
  }
  var COLOURS = ["#198754", "#0d6efd", "#fd7e14", "#6f42c1", "#20c997", "#dc3545", "#6c757d", "#ffc107"];
  var number = new Intl.NumberFormat("id-ID");

  function formatValue(value, money) {
    return money ? "Rp " + number.format(value) : number.format(value);
  }

  function shortMoney(value) {
    // Axis ticks: "Rp 300 jt", "Rp 1,2 M", as people say them.
    if (Math.abs(value) >= 1e9) {
      return "Rp " + number.format(Math.round(value / 1e8) / 10) + " M";
    }
    if (Math.abs(value) >= 1e6) {
      return "Rp " + number.format(Math.round(value / 1e6)) + " jt";
    }
    return "Rp " + number.format(value);
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var horizontal = Boolean(spec.horizontal);
    var valueAxis = horizontal ? "x" : "y";
    var datasets = spec.datasets.map(function (dataset, index) {
      var colour = dataset.colour || COLOURS[index % COLOURS.length];
      return {
        type: dataset.type || spec.type,
        label: dataset.label,
        data: dataset.data,
        backgroundColor: dataset.colours || colour,
        borderColor: colour,
        borderDash: dataset.dashed ? [6, 4] : [],
        borderWidth: (dataset.type || spec.type) === "line" ? 2 : 0,
        pointRadius: dataset.dashed ? 0 : 3,
        fill: false,
        tension: 0,
        order: (dataset.type || spec.type) === "line" ? 0 : 1,
        yAxisID: dataset.right_axis ? "kanan" : undefined,
      };
    });
    var scales = {};
    scales[valueAxis] = {
      beginAtZero: true,
      ticks: {
        precision: 0,
        callback: function (value) { return spec.money ? shortMoney(value) : number.format(value); },
      },
    };
    if (spec.datasets.some(function (dataset) { return dataset.right_axis; })) {
      scales.kanan = {
        position: "right",
        beginAtZero: true,
        grid: { drawOnChartArea: false },
        ticks: scales[valueAxis].ticks,
      };
    }
    var chart = new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        scales: spec.type === "doughnut" ? {} : scales,
        plugins: {
          legend: { display: datasets.length > 1 || spec.type === "doughnut", position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) {
                var value = horizontal ? item.parsed.x : item.parsed.y;
                if (spec.type === "doughnut") {
                  value = item.parsed;
                }
                return item.dataset.label + ": " + formatValue(value, spec.money);
              },
            },
          },
        },
        onHover: function (event, elements) {
          event.native.target.style.cursor = spec.links && elements.length ? "pointer" : "default";
        },
        onClick: function (event, elements) {
          if (spec.links && elements.length && spec.links[elements[0].index]) {
            window.location.href = spec.links[elements[0].index];
          }
        },
      },
    });
    canvas.chart = chart;
  });
})();

// Paper is narrower than the screen: each chart is redrawn at its printed size before printing (the print
// stylesheet sizes its box) and at the screen's after. Chromium applies the print media query after
// "beforeprint", so the media query's change is listened to as well.
(function () {
  if (typeof Chart === "undefined") {
    return;
  }
  function resizeAll() {
    Object.values(Chart.instances).forEach(function (chart) {
      chart.resize();
    });
  }
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
  window.matchMedia("print").addEventListener("change", resizeAll);
})();
