// Progressive enhancement of the Markdown editor: a live preview while typing. Without JavaScript the Preview button
// posts the form and the server answers with the same page, the text kept and the preview rendered.
(function () {
  var form = document.getElementById('module-editor');
  var target = document.getElementById('preview-body');
  if (!form || !target || !window.fetch || !window.FormData) return;
  var textarea = form.querySelector('textarea[name="markdown"]');
  if (!textarea) return;
  var timer = 0;
  var latest = 0;
  function refresh() {
    var request = ++latest;
    var body = new URLSearchParams(new window.FormData(form));
    fetch(form.dataset.previewAction, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: body,
      credentials: 'same-origin',
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        // The HTML was sanitised by the server's renderer, the same one learners' pages use.
        if (data && typeof data.html === 'string' && request === latest) target.innerHTML = data.html;
      })
      .catch(function () {
        /* the Preview button still works */
      });
  }
  textarea.addEventListener('input', function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 600);
  });
})();
