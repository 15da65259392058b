import type { App } from '@slack/bolt';
import { homeView } from '../../adapters/slack/blocks/home.js';
import { loadAppHome } from '../../use-cases/app-home.js';
import { apologise, type ListenerDeps } from '../slack-context.js';

/** App Home: rebuilt on every visit to the Home tab (Bolt has already acked the event). */
export function registerAppHomeOpened(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    try {
      const home = await loadAppHome(deps.ctx, deps.users, event.user);
      await client.views.publish({ user_id: event.user, view: homeView(home.userName, home.orgs) as never });
    } catch (err) {
      apologise(deps.log, err, 'app home');
    }
  });
}
