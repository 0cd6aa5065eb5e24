// Tenure's only script, and only an enhancement: every page works without it (issue 14).
//  - The time zone (item 5): while the account has none, the layout marks this script with
//    data-detect-time-zone and the session's CSRF token; the browser's zone is posted to
//    /settings/time-zone/detected once per browser session, and a page whose dates it changes
//    is reloaded to show them in it. Without JavaScript, dates stay in UTC until the customer
//    chooses a zone in Settings.
//  - The menu (item 10): the layout's menu is open so that it works without JavaScript; on a
//    narrow screen it starts closed, behind its Menu button, and opens when the screen widens.
//  - Print buttons (item 7): a receipt's Print button is hidden until this script can press
//    the browser's Print for it.
//  - The card form (item 8): the card's brand is named beside its number as it is typed (the
//    server tells brands the same way, domain/card_entry.cpp), the number is grouped in fours
//    when the field is left, and the expiry gains its " / " after the month.
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

  // A closed menu hides the tabs even on a wide screen (where its button is not shown), so it
  // opens again whenever the window grows wide: a phone turned sideways, a window resized.
  function closeMenuOnNarrowScreens() {
    const menu = document.querySelector('details.menu');
    if (!menu) return;
    const narrow = window.matchMedia('(max-width: 600px)');
    menu.open = !narrow.matches;
    narrow.addEventListener('change', () => {
      menu.open = !narrow.matches;
    });
  }

  function cardBrand(digits) {
    const n = (count) => Number(digits.slice(0, count)) || 0;
    if (digits.startsWith('4')) return 'Visa';
    if ((n(2) >= 51 && n(2) <= 55) || (n(4) >= 2221 && n(4) <= 2720)) return 'Mastercard';
    if (n(2) === 34 || n(2) === 37) return 'American Express';
    if (digits.startsWith('6011') || digits.startsWith('65') || (n(3) >= 644 && n(3) <= 649)) return 'Discover';
    if ([36, 38, 39].includes(n(2)) || (n(3) >= 300 && n(3) <= 305)) return 'Diners Club';
    if (n(4) >= 3528 && n(4) <= 3589) return 'JCB';
    if (n(2) === 62) return 'UnionPay';
    return '';
  }

  function enhanceCardForm() {
    const number = document.getElementById('number');
    const brand = document.getElementById('card-brand');
    const expiry = document.getElementById('exp');
    if (!number || !brand || !expiry) return;
    const digitsOf = (text) => text.replace(/\D/g, '');
    number.addEventListener('input', () => {
      brand.textContent = digitsOf(number.value).length >= 2 ? cardBrand(digitsOf(number.value)) : '';
    });
    number.addEventListener('change', () => {
      const digits = digitsOf(number.value);
      if (digits.length === 0 || /[^\d\s-]/.test(number.value)) return;
      // American Express prints 4-6-5; the others in fours.
      const groups = cardBrand(digits) === 'American Express'
        ? [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)]
        : digits.match(/.{1,4}/g);
      number.value = groups.filter(Boolean).join(' ');
    });
    expiry.addEventListener('input', (event) => {
      if (event.inputType === 'insertText' && /^\d{2}$/.test(expiry.value)) expiry.value += ' / ';
    });
  }

  function start() {
    closeMenuOnNarrowScreens();
    detectTimeZone();
    enablePrintButtons();
    enhanceCardForm();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
