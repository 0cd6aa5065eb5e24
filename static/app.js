// Tenure's only script, and only an enhancement: every page works without it (issue 14).
//  - The time zone (item 5): while the account has none, the layout marks this script with
//    data-detect-time-zone and the session's CSRF token; the browser's zone is posted to
//    /settings/time-zone/detected once per browser session, and a page whose dates it changes
//    is reloaded to show them in it. Without JavaScript, dates stay in UTC until the customer
//    chooses a zone in Settings.
//  - The menu (item 10): the layout's menu is open so that it works without JavaScript; on a
//    narrow screen it starts closed, behind its Menu button.
//  - Print buttons (item 7): a receipt's Print button is hidden until this script can press
//    the browser's Print for it.
(() => {
  const script = document.currentScript;

  function detectTimeZone() {
    if (!script || !script.hasAttribute('data-detect-time-zone')) return;
    let zone = '';
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    } catch {
      return;
    }
    if (!zone) return;
    const key = 'tenure-time-zone-sent';
    try {
      if (sessionStorage.getItem(key) === zone) return;
      sessionStorage.setItem(key, zone);
    } catch {
      // Storage refused (private windows): the server keeps the first zone it is sent anyway.
    }
    const body = new URLSearchParams({ csrf: script.dataset.csrf || '', time_zone: zone });
    fetch('/settings/time-zone/detected', { method: 'POST', body, credentials: 'same-origin' })
      .then((response) => {
        // 204: saved. Reload unless the customer has started on a form, or nothing changes:
        // dates were written in UTC, so a UTC browser sees the same page.
        const utc = zone === 'UTC' || zone === 'Etc/UTC';
        const busy = document.activeElement && document.activeElement.closest('form');
        if (response.status === 204 && !utc && !busy && document.querySelector('time')) {
          window.location.reload();
        }
      })
      .catch(() => {});
  }

  function enablePrintButtons() {
    for (const button of document.querySelectorAll('button[data-print]')) {
      button.hidden = false;
      button.addEventListener('click', () => window.print());
    }
  }

  function closeMenuOnNarrowScreens() {
    const menu = document.querySelector('details.menu');
    if (menu && window.matchMedia('(max-width: 600px)').matches) menu.open = false;
  }

  function start() {
    closeMenuOnNarrowScreens();
    detectTimeZone();
    enablePrintButtons();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
