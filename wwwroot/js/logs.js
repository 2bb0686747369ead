// Live-log view helpers: tell .NET whether the list is scrolled to the bottom, and scroll there.
export function watch(element, dotnet) {
    let last = true;
    element.addEventListener('scroll', () => {
        const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
        if (atBottom !== last) {
            last = atBottom;
            dotnet.invokeMethodAsync('OnScrolled', atBottom);
        }
    }, { passive: true });
}

export function scrollToBottom(element) {
    element.scrollTop = element.scrollHeight;
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
