// The server's JSON API, through the session cookie. Every write sends the
// X-CSRF-Token header (the fx_csrf cookie's value). Errors become ApiError
// with the server's {code, message}; a 401 from any call ends the session.
export const API = '/api/v1';

export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.serverMessage = message || '';
    this.retryAfter = retryAfter;
  }
}

let unauthorized = null;
let csrfFromLogin = '';

export function onUnauthorized(fn) { unauthorized = fn; }
export function setCsrf(v) { csrfFromLogin = v || ''; }

export function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)fx_csrf=([^;]*)/);
  return m ? decodeURIComponent(m[1]) : csrfFromLogin;
}

export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v != null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

export function url(path, params) { return API + path + qs(params); }

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function api(method, path, { body, params, headers = {}, quiet401 = false, signal, retry = true } = {}) {
  const opts = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...headers }, signal };
  if (method !== 'GET' && method !== 'HEAD') opts.headers['X-CSRF-Token'] = csrfToken();
  if (body !== undefined) {
    if (body instanceof Blob || body instanceof ArrayBuffer) {
      opts.body = body;
    } else {
      opts.body = JSON.stringify(body);
      opts.headers['Content-Type'] = 'application/json';
    }
  }
  let res;
  try {
    res = await fetch(url(path, params), opts);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', e.message);
  }
  const ra = Number(res.headers.get('Retry-After')) || 0;
  // A busy server asks us to come back shortly: reads try once more by themselves.
  if ((res.status === 503 || res.status === 429) && method === 'GET' && retry && ra > 0 && ra <= 5) {
    await sleep(ra * 1000);
    return api(method, path, { body, params, headers, quiet401, signal, retry: false });
  }
  if (res.status === 204) return null;
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    // a navigation that aborts the request while its body is read is an abort, not an empty answer
    try { data = await res.json(); } catch (e) { if (e.name === 'AbortError') throw e; data = null; }
  }
  if (!res.ok) {
    const e = data && data.error ? data.error : {};
    const err = new ApiError(res.status, e.code || `http_${res.status}`, e.message || '', ra);
    if (res.status === 401 && !quiet401 && unauthorized) unauthorized(err);
    throw err;
  }
  return data;
}

export const get = (path, params, o = {}) => api('GET', path, { ...o, params });
export const post = (path, body, o = {}) => api('POST', path, { ...o, body });
export const patch = (path, body, o = {}) => api('PATCH', path, { ...o, body });
export const del = (path, params, o = {}) => api('DELETE', path, { ...o, params });
export const enc = encodeURIComponent;

/** Upload a file as the raw request body, reporting progress (fraction 0..1). */
export function upload(path, params, file, { contentType = 'text/csv', onProgress } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url(path, params));
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', contentType);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    if (onProgress) xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the upload could not reach the server'));
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { data = null; }
      if (xhr.status >= 200 && xhr.status < 300) { resolve(data); return; }
      const e = data && data.error ? data.error : {};
      const err = new ApiError(xhr.status, e.code || `http_${xhr.status}`, e.message || '', Number(xhr.getResponseHeader('Retry-After')) || 0);
      if (xhr.status === 401 && unauthorized) unauthorized(err);
      reject(err);
    };
    xhr.send(file);
  });
}
