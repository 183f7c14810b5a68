// Progressive enhancement: tells the server roughly how long the module was read, when the page is left.
// Without JavaScript nothing is lost but this estimate.
(function () {
  var marker = document.getElementById('reading-time');
  if (!marker || !navigator.sendBeacon) return;
  var visibleSince = document.visibilityState === 'visible' ? Date.now() : 0;
  var total = 0;
  function pause() {
    if (visibleSince) total += Date.now() - visibleSince;
    visibleSince = 0;
  }
  function send() {
    pause();
    var seconds = Math.round(total / 1000);
    if (seconds < 1) return;
    var body = new URLSearchParams({ seconds: String(Math.min(seconds, 3600)), _csrf: marker.dataset.csrf });
    navigator.sendBeacon(marker.dataset.action, body);
    total = 0;
  }
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') send();
    else visibleSince = Date.now();
  });
  window.addEventListener('pagehide', send);
})();
