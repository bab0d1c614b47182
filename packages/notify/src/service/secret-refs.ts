import type { NotifyConfig } from '../config.js';
import type { SecretInput } from '../secrets.js';
import type { ServiceSection } from './config-file.js';

/** One secret a configuration names, with the path it sits at (for errors that name the field). */
export interface SecretField {
  path: string;
  input: SecretInput;
}

/** Every secret a notify.yaml names: channel tokens, webhook URLs, SMTP password, API tokens, the database URL. */
export function collectSecretFields(engine: NotifyConfig, service?: ServiceSection): SecretField[] {
  const out: SecretField[] = [];
  const add = (path: string, input: SecretInput | undefined) => {
    if (input !== undefined) out.push({ path, input });
  };
  const ch = engine.channels;
  add('channels.whatsapp.token', ch.whatsapp?.token);
  add('channels.whatsapp.app_secret', ch.whatsapp?.app_secret);
  add('channels.whatsapp.verify_token', ch.whatsapp?.verify_token);
  add('channels.email.auth.pass', ch.email?.auth?.pass);
  for (const [k, v] of Object.entries(ch.slack?.webhooks ?? {})) add(`channels.slack.webhooks.${k}`, v);
  for (const [k, v] of Object.entries(ch.discord?.webhooks ?? {})) add(`channels.discord.webhooks.${k}`, v);
  add('service.api.token', service?.api?.token);
  for (const [k, v] of Object.entries(service?.api?.operators ?? {})) add(`service.api.operators.${k}`, v);
  if (service?.store.kind === 'postgres') add('service.store.url', service.store.url);
  return out;
}
