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
