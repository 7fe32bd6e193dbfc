// Small browser helpers used through JS interop. Same-origin module, no inline script (CSP-friendly).
export function setCookie(name, value, days) {
    const maxAge = Math.round(days * 24 * 60 * 60);
    const secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `${encodeURIComponent(name)}=${encodeURIComponent(value)}; Max-Age=${maxAge}; Path=/; SameSite=Lax${secure}`;
}

export function markInteractive() {
    document.documentElement.dataset.interactive = "true";
}

export async function copyText(text) {
    if (!navigator.clipboard) return false;
    try {
        await navigator.clipboard.writeText(text);
        return true;
    } catch {
        return false;
    }
}

/** Downloads text (e.g. a chart's CSV) as a file, through a short-lived blob URL. */
export function downloadText(filename, text, mime) {
    const blob = new Blob([text], { type: mime || "text/plain;charset=utf-8" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = filename || "download.txt";
    a.rel = "noopener";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
}
