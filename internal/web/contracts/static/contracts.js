// The printable summary's button: print the page (scripts are not inline under the CSP).
document.querySelectorAll('[data-print]').forEach((b) => b.addEventListener('click', () => window.print()));
