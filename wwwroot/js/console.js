// KoboConsole's few browser helpers, called through IJSRuntime. A file of our own rather than
// "eval": the Content-Security-Policy allows scripts from the console's origin only.
window.koboConsole = {
    timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
    // The clipboard exists only in a secure context (HTTPS or localhost): false tells the page to say so.
    copy: async text => {
        if (!navigator.clipboard) {
            return false;
        }
        try {
            await navigator.clipboard.writeText(text);
            return true;
        } catch {
            return false;
        }
    },
};
