// KoboConsole's few browser helpers, called through IJSRuntime. A file of our own rather than
// "eval": the Content-Security-Policy allows scripts from the console's origin only.
window.koboConsole = {
    timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
};
