// The frame: left nav, header with the NameServer list and a live/error state, and the page the hash names.
import { Header } from './components/Header.js';
import { Nav } from './components/Nav.js';
import { ClusterPage } from './pages/ClusterPage.js';
import { ConsumersPage } from './pages/ConsumersPage.js';
import { DashboardPage } from './pages/DashboardPage.js';
import { MessagesPage } from './pages/MessagesPage.js';
import { NamesrvPage } from './pages/NamesrvPage.js';
import { ProducersPage } from './pages/ProducersPage.js';
import { isPageKey, type PageKey } from './pages/registry.js';
import { TopicsPage } from './pages/TopicsPage.js';
import { useRoute, type Route } from './router.js';

function PageFor({ page, route }: { page: PageKey; route: Route }) {
  switch (page) {
    case 'cluster':
      return <ClusterPage />;
    case 'dashboard':
      return <DashboardPage />;
    case 'topics':
      return <TopicsPage route={route} />;
    case 'consumers':
      return <ConsumersPage route={route} />;
    case 'producers':
      return <ProducersPage route={route} />;
    case 'messages':
      return <MessagesPage route={route} />;
    case 'namesrv':
      return <NamesrvPage />;
  }
}

export function App() {
  const route = useRoute();
  const page = isPageKey(route.page) ? route.page : undefined;
  return (
    <div className="app">
      <Nav current={route.page} />
      <Header />
      <main className="main">
        {page ? (
          <PageFor page={page} route={route} />
        ) : (
          <p>
            No page called “{route.page}”. <a href="#/cluster">Go to Cluster</a>.
          </p>
        )}
      </main>
    </div>
  );
}
