// Live-log view helpers: tell .NET whether the list is scrolled to the bottom, and scroll there.
export function watch(element, dotnet) {
    let last = true;
    // Only the reader pauses the view: a scroll with no wheel, touch, key or pointer just before
    // it is the list growing (or the browser re-anchoring it), which must not pause a fresh view.
    let userUntil = 0;
    const byUser = () => { userUntil = Date.now() + 1000; };
    for (const type of ['wheel', 'touchstart', 'touchmove', 'keydown', 'pointerdown']) {
        element.addEventListener(type, byUser, { passive: true });
    }
    element.addEventListener('scroll', () => {
        const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
        if (atBottom !== last && (atBottom || Date.now() < userUntil)) {
            last = atBottom;
            dotnet.invokeMethodAsync('OnScrolled', atBottom);
        }
    }, { passive: true });
}

export function scrollToBottom(element) {
    element.scrollTop = element.scrollHeight;
}

// Brings the viewer to the top of the window once logs start, so the lines are where the eye is.
export function reveal(element) {
    element.scrollIntoView({ block: 'start', behavior: 'instant' });
}

// Saves text as a file without a server round trip (the "Download shown" button): a Blob URL
// clicked through a temporary link; no eval, no inline script (the CSP allows neither).
export function downloadText(fileName, text) {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.style.display = 'none';
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
}
