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
