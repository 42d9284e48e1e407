import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'urql';
import { makeClient, settings } from './client';
import { App } from './App';
import './style.css';

const { api, actor, pageSize } = settings(window.location);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Provider value={makeClient(api)}>
      <App api={api} initialActor={actor} pageSize={pageSize} />
    </Provider>
  </StrictMode>,
);
