/* <imr-record-viewer>: one page of a case record at a time, drawn by PDF.js (served by the portal from
 * static/vendor/pdfjs/, installed by `make static`; never a CDN) on a canvas, with its text layer over it so the words
 * can be selected, read by a screen reader and highlighted.
 *
 * Its `src` attribute says what is shown, as an <iframe>'s would: "<document URL>#page=<n>". The document URL is the
 * portal's access-checked document view; the bytes are fetched with the reviewer's session, never from a public URL.
 * Setting `src` to another page of the same record redraws that page without fetching the record again.
 *
 * Zoom: "fit to width" (the default; kept when the pane is resized or the divider dragged) or a fixed zoom where
 * 100 % is the page's printed size. `highlightWords` marks each occurrence of those words on the page drawn (the search
 * within the records).
 *
 * Events: "viewer-rendered" (detail: page, pages, zoom, fit) after each page is drawn; "viewer-error" (detail: message).
 *
 * Content-Security-Policy: the module and its worker are same-origin files (script-src 'self', worker-src 'self');
 * the page is drawn with CSSOM styles only (no style attributes in markup, no inline script, no eval).
 */

const PDF_TO_CSS = 96 / 72;
const ZOOM_LEVELS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];
const KEEP_DOCUMENTS = 4;

let pdfjsPromise = null;

function loadPdfjs(element) {
  if (!pdfjsPromise) {
    const moduleUrl = new URL(element.dataset.pdfjs, window.location.href);
    pdfjsPromise = import(moduleUrl.href).then(function (pdfjs) {
      pdfjs.GlobalWorkerOptions.workerSrc = new URL(element.dataset.worker, window.location.href).href;
      return pdfjs;
    });
  }
  return pdfjsPromise;
}

function parseSource(value) {
  if (!value || value === "about:blank") return { url: "", page: 1 };
  const [url, hash] = value.split("#");
  const match = /(?:^|&)page=(\d+)/.exec(hash || "");
  return { url: url, page: match ? Number(match[1]) : 1 };
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

class RecordViewer extends HTMLElement {
  static observedAttributes = ["src"];

  #documents = new Map(); // url → Promise<PDFDocumentProxy>, the last few records opened
  #url = "";
  #page = 1;
  #fit = true;
  #zoom = 1;
  #words = [];
  #token = 0;
  #task = null;
  #stage = null;
  #sheet = null;
  #message = null;
  #resizeTimer = null;
  #lastWidth = 0;
  #scrollToHit = false;

  get src() { return this.getAttribute("src") || ""; }
  set src(value) { this.setAttribute("src", value); }

  /* The words to mark on every page drawn (the words of the search within the records); [] for none. */
  get highlightWords() { return this.#words.slice(); }
  set highlightWords(words) {
    this.#words = (words || []).map(function (word) { return word.trim(); }).filter(Boolean);
    this.#scrollToHit = this.#words.length > 0;
  }

  get zoom() { return this.#fit ? null : this.#zoom; }
  get fitToWidth() { return this.#fit; }

  connectedCallback() {
    this.#build();
    if (!this.#resizeObserver) {
      this.#resizeObserver = new ResizeObserver(() => this.#resized());
    }
    this.#resizeObserver.observe(this.#stage);
  }

  disconnectedCallback() {
    if (this.#resizeObserver) this.#resizeObserver.disconnect();
  }

  attributeChangedCallback() {
    this.#build();
    const { url, page } = parseSource(this.src);
    this.#page = page;
    if (!url) {
      this.#url = "";
      this.#token += 1;
      const blank = document.createElement("div");
      blank.className = "viewer-page";
      this.#sheet.replaceWith(blank);
      this.#sheet = blank;
      this.#say("Choose a record to read it.");
      return;
    }
    this.#url = url;
    this.#render();
  }

  fitWidth() { this.#fit = true; this.#render(); }

  zoomIn() {
    const current = this.#effectiveZoom();
    this.#setZoom(ZOOM_LEVELS.find(function (level) { return level > current + 0.01; }) || ZOOM_LEVELS.at(-1));
  }

  zoomOut() {
    const current = this.#effectiveZoom();
    this.#setZoom(ZOOM_LEVELS.findLast(function (level) { return level < current - 0.01; }) || ZOOM_LEVELS[0]);
  }

  #resizeObserver = null;
  #lastScale = 1;

  #effectiveZoom() { return this.#fit ? this.#lastScale / PDF_TO_CSS : this.#zoom; }

  #setZoom(level) {
    this.#fit = false;
    this.#zoom = level;
    this.#render();
  }

  #build() {
    if (this.#stage) return;
    this.#stage = document.createElement("div");
    this.#stage.className = "viewer-stage";
    this.#sheet = document.createElement("div");
    this.#sheet.className = "viewer-page";
    this.#message = document.createElement("p");
    this.#message.className = "viewer-message";
    this.#message.setAttribute("role", "status");
    this.#stage.append(this.#sheet);
    this.replaceChildren(this.#message, this.#stage);
  }

  #say(text) {
    this.#message.textContent = text;
    this.#message.hidden = !text;
  }

  #resized() {
    const width = this.#stage.clientWidth;
    if (!this.#fit || !this.#url || Math.abs(width - this.#lastWidth) < 1) return;
    clearTimeout(this.#resizeTimer);
    this.#resizeTimer = setTimeout(() => this.#render(), 120);
  }

  #open(pdfjs, url) {
    let loading = this.#documents.get(url);
    if (!loading) {
      const base = new URL(this.dataset.pdfjs, window.location.href);
      loading = pdfjs.getDocument({
        url: url,
        wasmUrl: new URL("wasm/", base).href,
        standardFontDataUrl: new URL("standard_fonts/", base).href,
        enableXfa: false,
        isEvalSupported: false,
      }).promise;
      loading.catch(() => this.#documents.delete(url));
      this.#documents.set(url, loading);
      while (this.#documents.size > KEEP_DOCUMENTS) {
        const [oldest, promise] = this.#documents.entries().next().value;
        this.#documents.delete(oldest);
        promise.then(function (doc) { doc.destroy(); }).catch(function () {});
      }
    }
    return loading;
  }

  async #render() {
    const token = ++this.#token;
    const url = this.#url;
    if (!url) return;
    if (!this.#sheet.childElementCount) this.#say("Opening the record…");
    try {
      const pdfjs = await loadPdfjs(this);
      const doc = await this.#open(pdfjs, url);
      if (token !== this.#token) return;
      const number = Math.min(Math.max(this.#page, 1), doc.numPages);
      const page = await doc.getPage(number);
      if (token !== this.#token) return;

      const available = this.#availableWidth();
      this.#lastWidth = this.#stage.clientWidth;
      const scale = this.#fit ? available / page.getViewport({ scale: 1 }).width : this.#zoom * PDF_TO_CSS;
      const viewport = page.getViewport({ scale: scale });
      const ratio = window.devicePixelRatio || 1;
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.width = Math.floor(viewport.width) + "px";
      canvas.style.height = Math.floor(viewport.height) + "px";
      canvas.setAttribute("aria-hidden", "true");

      if (this.#task) this.#task.cancel();
      this.#task = page.render({
        canvas: canvas,
        canvasContext: canvas.getContext("2d"),
        viewport: viewport,
        transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : null,
      });
      await this.#task.promise;
      if (token !== this.#token) return;

      const sheet = document.createElement("div");
      sheet.className = "viewer-page";
      sheet.style.setProperty("--scale-factor", String(scale));
      sheet.style.width = Math.floor(viewport.width) + "px";
      sheet.style.height = Math.floor(viewport.height) + "px";
      const text = document.createElement("div");
      text.className = "textLayer";
      sheet.append(canvas, text);
      const layer = new pdfjs.TextLayer({ textContentSource: page.streamTextContent(), container: text, viewport: viewport });
      await layer.render();
      if (token !== this.#token) return;

      const marks = this.#highlight(text);
      this.#sheet.replaceWith(sheet);
      this.#sheet = sheet;
      this.#lastScale = scale;
      this.#say("");
      if (marks.length && this.#scrollToHit) {
        this.#stage.scrollTop = Math.max(0, marks[0].getBoundingClientRect().top - sheet.getBoundingClientRect().top - 48);
        this.#scrollToHit = false;
      } else if (!marks.length) {
        this.#stage.scrollTop = 0;
      }
      this.dispatchEvent(new CustomEvent("viewer-rendered", {
        bubbles: true,
        detail: { page: number, pages: doc.numPages, zoom: scale / PDF_TO_CSS, fit: this.#fit, hits: marks.length },
      }));
    } catch (error) {
      if (token !== this.#token || (error && error.name === "RenderingCancelledException")) return;
      const message = error && error.status === 404
        ? "This record is no longer on the case."
        : "This record could not be shown (" + ((error && error.message) || "unknown error") + ").";
      this.#say(message);
      this.dispatchEvent(new CustomEvent("viewer-error", { bubbles: true, detail: { message: message } }));
    }
  }

  #availableWidth() {
    const style = getComputedStyle(this.#stage);
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    return Math.max(120, this.#stage.clientWidth - padding);
  }

  /* Wrap each occurrence of the highlighted words in the text layer's spans in <mark class="record-hit">. */
  #highlight(layer) {
    if (!this.#words.length) return [];
    const pattern = new RegExp(this.#words.map(escapeRegExp).join("|"), "gi");
    const marks = [];
    layer.querySelectorAll("span:not(.markedContent)").forEach(function (span) {
      const value = span.textContent;
      pattern.lastIndex = 0;
      if (!pattern.test(value)) return;
      pattern.lastIndex = 0;
      const parts = [];
      let at = 0;
      let match;
      while ((match = pattern.exec(value)) !== null) {
        if (match.index > at) parts.push(document.createTextNode(value.slice(at, match.index)));
        const mark = document.createElement("mark");
        mark.className = "record-hit";
        mark.textContent = match[0];
        parts.push(mark);
        marks.push(mark);
        at = match.index + match[0].length;
      }
      if (at < value.length) parts.push(document.createTextNode(value.slice(at)));
      span.replaceChildren(...parts);
    });
    return marks;
  }
}

if (!customElements.get("imr-record-viewer")) customElements.define("imr-record-viewer", RecordViewer);

export { RecordViewer };
