// The shell: sign-in, the header (yacht, role, the lenses that are on), and the pages.
import { useMemo } from "react";
import { ActionHost } from "../actions/ActionHost";
import { Api } from "../api/client";
import { HOD_ROLES } from "../api/types";
import { EntityPage } from "../entity/EntityPage";
import { LENS_VIEWS } from "../lenses";
import { OpsDashboard } from "../ops/OpsDashboard";
import { LoginPage } from "../pages/LoginPage";
import { SearchBox } from "../search/SearchBox";
import { Link, Router, matchPath, useRouter } from "./router";
import { SessionProvider, useSession } from "./session";
import { ErrorBoundary } from "./ErrorBoundary";
import { Empty, ErrorNote, words } from "./ui";

export function App({ api }: { api?: Api }) {
  const client = useMemo(() => api ?? new Api(), [api]);
  return (
    <Router>
      <SessionProvider
        api={client}
        loginPage={(onLogin, notice) => <LoginPage api={client} onLogin={onLogin} notice={notice} />}
      >
        <ActionHost>
          <Shell />
        </ActionHost>
      </SessionProvider>
    </Router>
  );
}

function Header() {
  const { user, memberships, membership, yachtId, switchYacht, lenses, loaded, logout } = useSession();
  const { path } = useRouter();
  const isHod = HOD_ROLES.includes(membership.role);
  return (
    <header className="app-header">
      <div className="bar">
        <Link to="/" className="brand" aria-label="celeste home">
          celeste
        </Link>
        {memberships.length > 1 ? (
          <label className="yacht-switcher">
            <span className="visually-hidden">Yacht</span>
            <select value={yachtId} onChange={(e) => switchYacht(e.target.value)} aria-label="Yacht">
              {memberships.map((m) => (
                <option key={m.yacht_id} value={m.yacht_id}>
                  {m.yacht_name}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span className="yacht-name">{membership.yacht_name}</span>
        )}
        <span className="role" data-testid="current-role" title={`Your role on ${membership.yacht_name}`}>
          {words(membership.role)}
        </span>
        <span className="user-name">{user.name}</span>
        <button type="button" className="link-button" onClick={logout}>
          Sign out
        </button>
      </div>
      <nav aria-label="Lenses" className="lens-nav">
        {loaded &&
          lenses.map((l) => (
            <Link key={l.id} to={`/lens/${l.id}`} aria-current={path === `/lens/${l.id}` ? "page" : undefined}>
              {l.label}
            </Link>
          ))}
        {isHod && (
          <Link to="/ops" aria-current={path === "/ops" ? "page" : undefined}>
            Ops
          </Link>
        )}
      </nav>
    </header>
  );
}

function Page() {
  const { path } = useRouter();
  const { lenses, membership, loaded, loadError, refresh } = useSession();
  // A failed reload after an action keeps the registry it had: only a yacht whose registry
  // never arrived says so.
  if (loadError && !loaded) {
    return (
      <div>
        <ErrorNote error={loadError} />
        <button type="button" className="button" onClick={refresh}>
          Try again
        </button>
      </div>
    );
  }
  if (!loaded) return <p className="loading">Loading…</p>;
  if (path === "/") return <Home />;
  if (path === "/ops") {
    return HOD_ROLES.includes(membership.role) ? (
      <OpsDashboard />
    ) : (
      <Empty>The ops dashboard is for heads of department and managers.</Empty>
    );
  }
  const lens = matchPath("/lens/:id", path);
  if (lens) {
    const info = lenses.find((l) => l.id === lens.id);
    const View = LENS_VIEWS[lens.id];
    if (!info || !View) return <Empty>This lens is not available on this yacht.</Empty>;
    return (
      <section aria-labelledby="lens-title">
        <h1 id="lens-title">{info.label}</h1>
        <View />
      </section>
    );
  }
  const entity = matchPath("/entity/:type/:id", path);
  if (entity) return <EntityPage entityType={entity.type} entityId={entity.id} />;
  return <Empty>Nothing lives at {path}.</Empty>;
}

function Home() {
  const { lenses } = useSession();
  return (
    <section className="home">
      <h1 className="visually-hidden">Search</h1>
      <SearchBox />
      <ul className="lens-tiles">
        {lenses.map((l) => (
          <li key={l.id}>
            <Link to={`/lens/${l.id}`}>{l.label}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Shell() {
  const { path } = useRouter();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        {path !== "/" && <SearchBox compact />}
        <ErrorBoundary key={path}>
          <Page />
        </ErrorBoundary>
      </main>
    </>
  );
}
