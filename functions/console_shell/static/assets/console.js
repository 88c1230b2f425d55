// The console's only hand-written script: log in with the hosted login (authorization code + PKCE, S256),
// keep the ID token fresh, send it with every htmx request, and switch screens from the URL's #/screen.
// No inline code anywhere: the page runs under script-src 'self'.
(() => {
  'use strict';
  const KEY = 'tts-console';
  const store = window.sessionStorage; // gone when the tab closes; never a cookie, so no CSRF surface
  const $ = (id) => document.getElementById(id);
  let config = null;
  let refreshing = null;

  const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const random = (n) => { const a = new Uint8Array(n); crypto.getRandomValues(a); return b64url(a); };
  const challengeOf = async (verifier) =>
    b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  // The redirect URI is the console's own address, exactly as registered on the app client.
  const redirectUri = () => location.origin + location.pathname;

  const read = (name) => { try { return JSON.parse(store.getItem(`${KEY}:${name}`)); } catch { return null; } };
  const write = (name, value) => store.setItem(`${KEY}:${name}`, JSON.stringify(value));
  const forget = (name) => store.removeItem(`${KEY}:${name}`);

  function showLogin(message) {
    $('login-message').textContent = message;
    $('login').hidden = false;
    $('logout').hidden = true;
  }

  async function login() {
    const verifier = random(48);
    const state = random(24);
    write('pending', { verifier, state, screen: location.hash });
    const params = new URLSearchParams({
      response_type: 'code', client_id: config.clientId, redirect_uri: redirectUri(), scope: config.scopes,
      state, code_challenge: await challengeOf(verifier), code_challenge_method: 'S256',
    });
    location.assign(`${config.authUrl}/oauth2/authorize?${params}`);
  }

  async function tokenRequest(fields) {
    const response = await fetch(`${config.authUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: config.clientId, ...fields }),
    });
    if (!response.ok) throw new Error(`the login service answered ${response.status}`);
    return response.json();
  }

  function keep(tokens) {
    const previous = read('tokens') || {};
    write('tokens', {
      id: tokens.id_token,
      refresh: tokens.refresh_token || previous.refresh,
      expiresAt: Date.now() + (tokens.expires_in || 3600) * 1000,
    });
  }

  async function completeLogin(params) {
    const pending = read('pending');
    forget('pending');
    history.replaceState(null, '', location.pathname + ((pending && pending.screen) || ''));
    if (params.get('error')) throw new Error(params.get('error_description') || params.get('error'));
    if (!pending || params.get('state') !== pending.state) throw new Error('the login could not be verified (state)');
    keep(await tokenRequest({
      grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri(),
      code_verifier: pending.verifier,
    }));
  }

  function refresh() {
    const tokens = read('tokens');
    if (!tokens || !tokens.refresh) return Promise.resolve(null);
    refreshing ||= tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh })
      .then((fresh) => { keep(fresh); return read('tokens').id; })
      .catch(() => { forget('tokens'); return null; })
      .finally(() => { refreshing = null; });
    return refreshing;
  }

  async function idToken() {
    const tokens = read('tokens');
    if (!tokens) return null;
    return tokens.expiresAt - Date.now() > 60_000 ? tokens.id : refresh();
  }

  // Every htmx request carries the ID token (API Gateway's Cognito authorizer checks it); a 401 gets one
  // refresh and one retry, then the login.
  document.addEventListener('htmx:before:request', (event) => {
    event.detail.ctx.fetch = async (url, init) => {
      let token = await idToken();
      if (!token) { login(); throw new Error('not logged in'); }
      init.headers = { ...init.headers, Authorization: token };
      let response = await fetch(url, init);
      if (response.status === 401) {
        token = await refresh();
        if (token) {
          init.headers.Authorization = token;
          response = await fetch(url, init);
        }
        if (response.status === 401) { forget('tokens'); login(); }
      }
      return response;
    };
  });

  document.addEventListener('htmx:after:swap', (event) => {
    if (event.detail.ctx.target === $('main')) {
      const title = $('screen-title');
      if (title) title.focus();
    }
  });

  function show() {
    const [screen, query] = (location.hash.replace(/^#\/?/, '') || 'overview').split('?');
    const slug = /^[a-z-]+$/.test(screen) ? screen : 'overview';
    for (const link of document.querySelectorAll('#nav a[data-screen]')) {
      if (link.dataset.screen === slug) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    return htmx.ajax('GET', `ui/${slug}${query ? `?${query}` : ''}`, { target: '#main', swap: 'innerHTML' });
  }

  async function start() {
    $('login').addEventListener('click', login);
    $('logout').addEventListener('click', () => {
      store.clear();
      write('logged-out', true);
      const params = new URLSearchParams({ client_id: config.clientId, logout_uri: redirectUri() });
      location.assign(`${config.authUrl}/logout?${params}`);
    });
    const params = new URLSearchParams(location.search);
    try {
      if (params.has('code') || params.has('error')) await completeLogin(params);
    } catch (error) {
      showLogin(`Login failed: ${error.message}. Log in again.`);
      return;
    }
    if (!read('tokens')) {
      if (read('logged-out')) { forget('logged-out'); showLogin('You are logged out.'); return; }
      login();
      return;
    }
    $('logout').hidden = false;
    window.addEventListener('hashchange', show);
    await htmx.ajax('GET', 'ui/nav', { target: '#nav', swap: 'innerHTML' });
    await show();
  }

  fetch('config.json', { cache: 'no-store' })
    .then((response) => response.json())
    .then((loaded) => { config = loaded; return start(); })
    .catch((error) => showLogin(`The console could not start: ${error.message}`));
})();
