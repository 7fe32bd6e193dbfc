// Plotly interop for the PlotlyChart component (Components/Charts/PlotlyChart.razor).
//
// Loads /lib/plotly/plotly.min.js itself (copied there from npm by build/ChartAssets.targets), once, via a
// same-origin <script src> element: no inline script, no eval, so it works under a strict CSP (script-src 'self').
// Traces/layout/config may be passed as objects or as JSON strings (the component sends the JSON it built with
// System.Text.Json, so Plotly receives exactly those keys).

const PLOTLY_URL = new URL('../lib/plotly/plotly.min.js', import.meta.url).href;
const PLOTLY_CSS_URL = new URL('../css/plotly-global.css', import.meta.url).href;
const GLOBAL_STYLE_ID = 'plotly.js-style-global';
const TRANSPARENT = 'rgba(0,0,0,0)';

let plotlyPromise = null;
/** Plotly's global CSS rules as inserted at load time, to restore them if the element is removed from <head>. */
let globalRules = null;
let styleSheetPromise = null;

/** Per chart element: ResizeObserver, pending timers. */
const charts = new WeakMap();

/**
 * Provides Plotly's global style element as a same-origin <link> (see wwwroot/css/plotly-global.css) so Plotly
 * fills it with insertRule (allowed by a strict CSP) instead of creating an inline <style> (blocked by one).
 */
function ensureGlobalStyleSheet() {
    if (!styleSheetPromise && !document.getElementById(GLOBAL_STYLE_ID)) {
        styleSheetPromise = addGlobalStyleSheet().finally(() => { styleSheetPromise = null; });
    }
    return styleSheetPromise || Promise.resolve();
}

async function addGlobalStyleSheet() {
    const link = document.createElement('link');
    link.id = GLOBAL_STYLE_ID;
    link.rel = 'stylesheet';
    link.href = PLOTLY_CSS_URL;
    const loaded = new Promise(resolve => {
        link.addEventListener('load', resolve, { once: true });
        link.addEventListener('error', resolve, { once: true });
    });
    document.head.appendChild(link);
    await loaded;
    if (!link.sheet) {
        link.remove(); // not loadable: let Plotly fall back to its own <style> element
        return;
    }
    if (globalRules) {
        // Plotly inserts its global rules only once, at load; something (e.g. a <head> re-render) removed them.
        for (const rule of globalRules) {
            try { link.sheet.insertRule(rule, link.sheet.cssRules.length); } catch { /* skip an invalid rule */ }
        }
    }
}

function snapshotGlobalRules() {
    const sheet = document.getElementById(GLOBAL_STYLE_ID)?.sheet;
    try {
        globalRules = sheet ? Array.from(sheet.cssRules, r => r.cssText) : [];
    } catch {
        globalRules = [];
    }
}

async function loadPlotly() {
    await ensureGlobalStyleSheet();
    if (window.Plotly) {
        if (!globalRules) snapshotGlobalRules();
        return window.Plotly;
    }
    if (!plotlyPromise) {
        plotlyPromise = new Promise((resolve, reject) => {
            let script = document.querySelector('script[data-plotly-bundle]');
            if (!script) {
                script = document.createElement('script');
                script.src = PLOTLY_URL;
                script.async = true;
                script.dataset.plotlyBundle = '';
                document.head.appendChild(script);
            }
            script.addEventListener('load', () => {
                if (window.Plotly) {
                    snapshotGlobalRules();
                    resolve(window.Plotly);
                } else {
                    reject(new Error(`Plotly did not initialise from ${PLOTLY_URL}`));
                }
            }, { once: true });
            script.addEventListener('error', () => {
                script.remove();
                plotlyPromise = null; // allow a later retry
                reject(new Error(`Could not load ${PLOTLY_URL} (was the build's CopyChartAssets step skipped?)`));
            }, { once: true });
        });
    }
    return plotlyPromise;
}

function parse(value, fallback) {
    if (value === null || value === undefined || value === '') {
        return fallback;
    }
    return typeof value === 'string' ? JSON.parse(value) : value;
}

function cssVar(style, name) {
    const v = style.getPropertyValue(name);
    return v ? v.trim() : '';
}

/**
 * Fills theme defaults the caller did not set, from the element's computed CSS, so the app theme shows through:
 * transparent paper/plot backgrounds, text colour and font from CSS `color`/`font-family`, and grid/line colours
 * from the optional custom properties --chart-grid-color / --chart-line-color / --chart-colorway (comma-separated).
 */
function withThemeDefaults(element, layout) {
    const style = getComputedStyle(element);
    const out = { ...layout };
    if (out.paper_bgcolor === undefined) out.paper_bgcolor = TRANSPARENT;
    if (out.plot_bgcolor === undefined) out.plot_bgcolor = TRANSPARENT;
    out.font = { ...(out.font || {}) };
    if (out.font.color === undefined && style.color) out.font.color = style.color;
    if (out.font.family === undefined && style.fontFamily) out.font.family = style.fontFamily;

    if (typeof out.hovermode === 'string' && out.hovermode.includes('unified')
        && (out.paper_bgcolor === TRANSPARENT) && (out.hoverlabel === undefined || out.hoverlabel.bgcolor === undefined)) {
        // A unified hover box takes the paper colour: give it the page's background instead of transparency.
        out.hoverlabel = { ...(out.hoverlabel || {}), bgcolor: effectiveBackground(element) };
    }

    const colorway = cssVar(style, '--chart-colorway');
    if (out.colorway === undefined && colorway) {
        out.colorway = colorway.split(',').map(c => c.trim()).filter(c => c);
    }
    const grid = cssVar(style, '--chart-grid-color');
    const line = cssVar(style, '--chart-line-color');
    if (grid || line) {
        for (const key of Object.keys(out).concat(['xaxis', 'yaxis'])) {
            if (!/^[xy]axis\d*$/.test(key)) continue;
            const axis = { ...(out[key] || {}) };
            if (grid && axis.gridcolor === undefined) axis.gridcolor = grid;
            if (grid && axis.zerolinecolor === undefined) axis.zerolinecolor = grid;
            if (line && axis.linecolor === undefined) axis.linecolor = line;
            out[key] = axis;
        }
    }
    return out;
}

function applyHeight(element, options) {
    // Set through the CSSOM, not a style="" attribute, so a strict CSP (style-src 'self') allows it.
    if (options && options.height) {
        element.style.height = options.height;
    }
}

function observeSize(element, Plotly) {
    const state = { width: element.clientWidth, height: element.clientHeight, frame: 0, observer: null };
    if (typeof ResizeObserver === 'function') {
        state.observer = new ResizeObserver(() => {
            const w = element.clientWidth, h = element.clientHeight;
            if (w === state.width && h === state.height) return;
            state.width = w;
            state.height = h;
            cancelAnimationFrame(state.frame);
            state.frame = requestAnimationFrame(() => {
                if (charts.get(element) === state && element.isConnected && w > 0 && h > 0) {
                    Plotly.Plots.resize(element).catch(() => { /* purged meanwhile */ });
                }
            });
        });
        state.observer.observe(element);
    }
    charts.set(element, state);
}

function pointPayload(point) {
    const str = v => (v === null || v === undefined ? null : String(v));
    const num = v => (typeof v === 'number' && isFinite(v) ? v : null);
    return {
        curveNumber: point.curveNumber,
        pointNumber: Array.isArray(point.pointNumber) ? null : (point.pointNumber ?? null),
        x: str(point.x),
        y: str(point.y),
        z: num(point.z),
        label: str(point.label),
        value: num(point.value),
        customData: str(point.customdata),
    };
}

/**
 * Draws a chart in element (Plotly.newPlot), observes its size, and (when dotNetRef is given) reports clicks
 * by calling dotNetRef.invokeMethodAsync('OnPlotlyClick', point).
 * options: { height?: CSS length set on the element }.
 */
export async function render(element, traces, layout, config, dotNetRef, options) {
    if (!element) return;
    const Plotly = await loadPlotly();
    if (!element.isConnected) return;
    applyHeight(element, options);
    purgeObservers(element);
    const cfg = { displaylogo: false, responsive: false, ...parse(config, {}) };
    await Plotly.newPlot(element, parse(traces, []), withThemeDefaults(element, parse(layout, {})), cfg);
    observeSize(element, Plotly);
    if (dotNetRef) {
        element.on('plotly_click', e => {
            const point = e && e.points && e.points[0];
            if (point) {
                dotNetRef.invokeMethodAsync('OnPlotlyClick', pointPayload(point)).catch(() => { /* circuit gone */ });
            }
        });
    }
    element.dataset.chartState = 'rendered';
}

/** Redraws with new data/layout (Plotly.react: diffed, keeps listeners and the element's size observer). */
export async function update(element, traces, layout, config, options) {
    if (!element) return;
    const Plotly = await loadPlotly();
    if (!element.isConnected) return;
    applyHeight(element, options);
    const cfg = { displaylogo: false, responsive: false, ...parse(config, {}) };
    await Plotly.react(element, parse(traces, []), withThemeDefaults(element, parse(layout, {})), cfg);
    if (!charts.has(element)) observeSize(element, Plotly);
    element.dataset.chartState = 'rendered';
}

export function resize(element) {
    if (element && window.Plotly && element.isConnected) {
        return window.Plotly.Plots.resize(element);
    }
    return Promise.resolve();
}

function purgeObservers(element) {
    const state = charts.get(element);
    if (state) {
        cancelAnimationFrame(state.frame);
        if (state.observer) state.observer.disconnect();
        charts.delete(element);
    }
}

/** Removes the chart, its Plotly listeners and our size observer. Safe to call more than once. */
export function purge(element) {
    if (!element) return;
    purgeObservers(element);
    if (window.Plotly) {
        window.Plotly.purge(element);
    }
    delete element.dataset.chartState;
}

/** First opaque background colour up the tree; otherwise white or near-black to suit the text colour. */
function effectiveBackground(element) {
    for (let e = element; e; e = e.parentElement) {
        const bg = getComputedStyle(e).backgroundColor;
        const m = bg && bg.match(/rgba?\(([^)]+)\)/);
        if (m) {
            const parts = m[1].split(/[\s,/]+/).filter(p => p);
            const alpha = parts.length > 3 ? parseFloat(parts[3]) : 1;
            if (alpha > 0.95) return bg;
        } else if (bg && bg !== 'transparent') {
            return bg;
        }
    }
    const m = getComputedStyle(element).color.match(/\d+(\.\d+)?/g);
    const luminance = m ? (0.299 * m[0] + 0.587 * m[1] + 0.114 * m[2]) : 0;
    return luminance > 140 ? '#1e1e1e' : '#ffffff';
}

/**
 * PNG of the chart as a data: URL. A transparent chart is given the page's effective background colour so the
 * image stays readable outside the app (light text on a transparent PNG would vanish on a white viewer).
 */
export async function toImageDataUrl(element, width, height) {
    if (!element || !element.data) throw new Error('The chart has not been rendered.');
    const Plotly = await loadPlotly();
    const bg = effectiveBackground(element);
    const layout = { ...element.layout };
    if (!layout.paper_bgcolor || layout.paper_bgcolor === TRANSPARENT) layout.paper_bgcolor = bg;
    if (!layout.plot_bgcolor || layout.plot_bgcolor === TRANSPARENT) layout.plot_bgcolor = bg;
    return Plotly.toImage({ data: element.data, layout, config: { displaylogo: false } }, {
        format: 'png',
        width: width || element.clientWidth || 800,
        height: height || element.clientHeight || 450,
    });
}

function clickDownload(href, filename) {
    const a = document.createElement('a');
    a.href = href;
    a.download = filename;
    a.rel = 'noopener';
    document.body.appendChild(a);
    a.click();
    a.remove();
}

function withExtension(filename, ext) {
    const name = (filename || 'chart').trim() || 'chart';
    return name.toLowerCase().endsWith(ext) ? name : name + ext;
}

/** Downloads the chart as a PNG (opaque background, see toImageDataUrl). */
export async function downloadPng(element, filename) {
    const url = await toImageDataUrl(element);
    clickDownload(url, withExtension(filename, '.png'));
}

/** Downloads text (e.g. the CSV built by ChartCsv.FromTraces) as a file. */
export function downloadText(filename, text, mime) {
    const blob = new Blob([text], { type: mime || 'text/plain;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    try {
        clickDownload(url, filename || 'download.txt');
    } finally {
        setTimeout(() => URL.revokeObjectURL(url), 1000);
    }
}
