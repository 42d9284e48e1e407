import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'urql';
import { LiveState, makeClient, settings } from './client';
import { App } from './App';
import './style.css';

const { api, actor, pageSize } = settings(window.location);
const live = new LiveState();
const { client } = makeClient(api, live);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Provider value={client}>
      <App api={api} initialActor={actor} pageSize={pageSize} live={live} />
    </Provider>
  </StrictMode>,
);
