// The shell around Elsa Studio: session handling (a short-lived token from /api/auth/sign-in kept in sessionStorage),
// the header, and small API helpers. Studio's custom elements receive the token through their access-token attribute.
const Shell = (() => {
  const key = "automation.session";

  function session() {
    try {
      const value = JSON.parse(sessionStorage.getItem(key) || "null");
      return value && Date.parse(value.expiresAt) > Date.now() + 5000 ? value : null;
    } catch { return null; }
  }

  let expiryTimer = null;

  function requireSession() {
    const current = session();
    if (!current) {
      const back = location.pathname + location.search;
      location.replace("sign-in.html?return=" + encodeURIComponent(back));
      throw new Error("signed out");
    }
    // Studio keeps the token it was given; send the user to sign in again when it expires instead of failing silently.
    if (!expiryTimer) {
      expiryTimer = setTimeout(() => {
        sessionStorage.removeItem(key);
        location.replace("sign-in.html?return=" + encodeURIComponent(location.pathname + location.search));
      }, Math.max(0, Date.parse(current.expiresAt) - Date.now()));
    }
    return current;
  }

  async function signIn(email, password) {
    const response = await fetch("/api/auth/sign-in", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email, password })
    });
    if (response.status === 429) throw new Error("Too many attempts. Wait a minute and try again.");
    if (!response.ok) throw new Error("The e-mail or password is wrong.");
    const body = await response.json();
    sessionStorage.setItem(key, JSON.stringify(body));
    return body;
  }

  function signOut() {
    sessionStorage.removeItem(key);
    location.replace("sign-in.html");
  }

  async function api(path, options = {}) {
    const current = requireSession();
    const response = await fetch(path, {
      ...options,
      headers: { "Content-Type": "application/json", ...(options.headers || {}), Authorization: "Bearer " + current.accessToken }
    });
    if (response.status === 401) { signOut(); throw new Error("signed out"); }
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    return response.status === 204 ? null : response.json();
  }

  function header(active) {
    const current = requireSession();
    const el = document.createElement("header");
    el.className = "shell";
    el.innerHTML = `
      <span class="brand">Automation</span>
      <nav>
        <a href="index.html" data-page="journeys">Journeys</a>
        <a href="instances.html" data-page="instances">Instances</a>
        <a href="reports.html" data-page="reports">Reports</a>
        <a href="mail.html" data-page="mail">Captured mail</a>
      </nav>
      <span class="user"><span data-test="user"></span><button type="button" data-test="sign-out">Sign out</button></span>`;
    el.querySelector(`[data-page="${active}"]`)?.classList.add("active");
    el.querySelector("[data-test=user]").textContent = `${current.email} (${current.role})`;
    el.querySelector("[data-test=sign-out]").addEventListener("click", signOut);
    document.body.prepend(el);
    return current;
  }

  // Elsa Studio's stylesheets and scripts, in the order its own host page loads them (the Blazor runtime last).
  const studioStyles = [
    "_content/MudBlazor/MudBlazor.min.css",
    "_content/CodeBeam.MudBlazor.Extensions/MudExtensions.min.css",
    "_content/Radzen.Blazor/css/material-base.css",
    "_content/Elsa.Studio.Shell/css/shell.css",
    "Elsa.Studio.Host.CustomElements.styles.css"
  ];
  const studioScripts = [
    "_content/BlazorMonaco/jsInterop.js",
    "_content/BlazorMonaco/lib/monaco-editor/min/vs/loader.js",
    "_content/BlazorMonaco/lib/monaco-editor/min/vs/editor/editor.main.js",
    "_content/MudBlazor/MudBlazor.min.js",
    "_content/CodeBeam.MudBlazor.Extensions/MudExtensions.min.js",
    "_content/Radzen.Blazor/Radzen.Blazor.js",
    "_framework/blazor.webassembly.js"
  ];

  async function loadStudio() {
    const ours = document.querySelector("link[href='app.css']");
    for (const href of studioStyles) {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      document.head.insertBefore(link, ours); // our stylesheet stays last, so the shell keeps its look
    }
    for (const src of studioScripts) {
      await new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = src;
        script.onload = resolve;
        script.onerror = () => reject(new Error("Could not load " + src));
        document.body.appendChild(script);
      });
    }
  }

  // Creates a Studio custom element once the session is known, then boots Studio; Blazor reads the attributes when
  // it attaches the element.
  function mountStudio(tag, attributes) {
    const current = requireSession();
    const el = document.createElement(tag);
    el.setAttribute("remote-endpoint", location.origin + "/elsa/api");
    el.setAttribute("access-token", current.accessToken);
    for (const [name, value] of Object.entries(attributes || {})) el.setAttribute(name, value);
    document.querySelector("main").appendChild(el);
    loadStudio().catch(e => { document.querySelector("main").textContent = e.message; });
    return el;
  }

  function text(value) {
    const span = document.createElement("span");
    span.textContent = value ?? "";
    return span.innerHTML;
  }

  return { session, requireSession, signIn, signOut, api, header, mountStudio, text };
})();
