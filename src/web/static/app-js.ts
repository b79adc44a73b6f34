/**
 * The only client script: small progressive enhancements (every page works
 * without it). A TS string so the build ships it; served from /static, as the
 * CSP forbids inline script.
 */
export const APP_JS = `'use strict';
(function () {
  // Import progress: poll the job's JSON and move the bar; reload when done.
  var poll = document.querySelector('[data-poll]');
  if (poll) {
    var url = poll.getAttribute('data-poll');
    var bar = poll.querySelector('progress');
    var label = poll.querySelector('[data-progress-label]');
    var tick = function () {
      fetch(url, { headers: { Accept: 'application/json' } })
        .then(function (r) { return r.json(); })
        .then(function (job) {
          if (bar && job.total) { bar.max = job.total; bar.value = job.done; }
          if (label) label.textContent = job.label;
          if (job.state === 'running') setTimeout(tick, 400);
          else window.location.reload();
        })
        .catch(function () { setTimeout(tick, 2000); });
    };
    setTimeout(tick, 300);
  }

  // Copy buttons (hidden without script): copy the named field's value.
  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    var field = document.getElementById(button.getAttribute('data-copy'));
    if (!field || !navigator.clipboard) return;
    button.hidden = false;
    var label = button.textContent;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = 'Copied';
        setTimeout(function () { button.textContent = label; }, 2000);
      }, function () { field.select(); });
    });
  });

  // Compose: keep the mailto: link in step with the edited subject and text.
  var mailto = document.querySelector('a[data-mailto-to]');
  if (mailto) {
    var subject = document.getElementById('compose-subject');
    var body = document.getElementById('compose-body');
    var update = function () {
      var q = [];
      var bcc = mailto.getAttribute('data-mailto-bcc');
      if (bcc) q.push('bcc=' + encodeURIComponent(bcc));
      q.push('subject=' + encodeURIComponent(subject ? subject.value : ''));
      q.push('body=' + encodeURIComponent((body ? body.value : '').replace(/\\r?\\n/g, '\\r\\n')));
      mailto.href = 'mailto:' + encodeURIComponent(mailto.getAttribute('data-mailto-to')).replace(/%40/g, '@') + '?' + q.join('&');
    };
    if (subject) subject.addEventListener('input', update);
    if (body) body.addEventListener('input', update);
  }

  // Board: drag a card onto a column = choose that stage in its form and submit.
  var dragged = null;
  document.querySelectorAll('.card[data-contact]').forEach(function (card) {
    card.setAttribute('draggable', 'true');
    card.addEventListener('dragstart', function (e) {
      dragged = card;
      e.dataTransfer.setData('text/plain', card.getAttribute('data-contact'));
    });
    card.addEventListener('dragend', function () { dragged = null; });
  });
  document.querySelectorAll('.column[data-stage]').forEach(function (column) {
    column.addEventListener('dragover', function (e) { if (dragged) { e.preventDefault(); column.classList.add('drop-target'); } });
    column.addEventListener('dragleave', function () { column.classList.remove('drop-target'); });
    column.addEventListener('drop', function (e) {
      column.classList.remove('drop-target');
      if (!dragged) return;
      e.preventDefault();
      var stage = column.getAttribute('data-stage');
      var form = dragged.closest('form');
      if (!form || dragged.getAttribute('data-stage') === stage) return;
      // Move only the dragged card: untick the others in its column.
      form.querySelectorAll('input[name="id"]').forEach(function (box) { box.checked = false; });
      dragged.querySelector('input[name="id"]').checked = true;
      form.querySelector('select[name="to"]').value = stage;
      var reason = form.querySelector('input[name="reason"]');
      if (reason && !reason.value) reason.value = 'dragged on the board';
      form.submit();
    });
  });
})();
`;
