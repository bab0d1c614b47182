// The incidents surface: severity, who was paged, the escalation step and the acknowledgement, with
// an Acknowledge and a Silence button per incident (user actions, see actions.ts).
import type { Component } from '@fieldops/contracts/cockpit/v1';
import type { CockpitState } from '../state.js';
import { bind, button, column, list, row, text } from './components.js';

/** The surface id of the incidents list. */
export const INCIDENTS_SURFACE = 'incidents';

/** How long the Silence button silences an alert (minutes). */
export const SILENCE_MINUTES = 60;

/** One incident on the surface. */
export interface IncidentModel {
  id: string;
  ack_code: string;
  alertname: string;
  site_id?: string;
  title: string;
  detail: string;
  paged: string;
  ack: string;
}

/** The incidents surface's components. */
export function buildIncidentsComponents(): Component[] {
  return [
    column('root', ['inc_title', 'inc_summary', 'inc_list']),
    text('inc_title', 'Incidents', 'h2'),
    text('inc_summary', bind('/summary'), 'caption'),
    list('inc_list', 'inc_card', '/incidents'),
    column('inc_card', ['inc_name', 'inc_detail', 'inc_paged', 'inc_ack', 'inc_actions']),
    text('inc_name', bind('title'), 'h4'),
    text('inc_detail', bind('detail')),
    text('inc_paged', bind('paged'), 'caption'),
    text('inc_ack', bind('ack'), 'caption'),
    row('inc_actions', ['inc_ack_btn', 'inc_silence_btn']),
    button('inc_ack_btn', 'inc_ack_label', 'acknowledge_incident', { ack_code: bind('ack_code') }),
    text('inc_ack_label', 'Acknowledge'),
    button('inc_silence_btn', 'inc_silence_label', 'silence_alert', {
      alertname: bind('alertname'),
      site_id: bind('site_id'),
      minutes: SILENCE_MINUTES,
    }),
    text('inc_silence_label', `Silence ${SILENCE_MINUTES} min`),
  ];
}

/** The incidents surface's data model: open and acknowledged incidents, newest first as notify lists them. */
export function buildIncidentsModel(state: CockpitState): { summary: string; incidents: IncidentModel[] } {
  const shown = state.incidents.filter((i) => i.status !== 'resolved');
  return {
    summary: `${shown.filter((i) => i.status === 'open').length} open, ${shown.filter((i) => i.status === 'acknowledged').length} acknowledged`,
    incidents: shown.map((i) => ({
      id: i.id,
      ack_code: i.ack_code,
      alertname: i.title,
      ...(i.site_id ? { site_id: i.site_id } : {}),
      title: `${i.severity.toUpperCase()} ${i.title}${i.site_id ? ` at ${i.site_id}` : ''}`,
      detail: `${i.status}, escalation step ${i.level + 1}${i.loop > 0 ? ` (pass ${i.loop + 1})` : ''}, code ${i.ack_code}`,
      paged: i.paged.length > 0 ? `paged: ${i.paged.join(', ')}` : 'paged: nobody yet',
      ack: i.acked_by ? `acknowledged by ${i.acked_by} at ${i.acked_at}` : 'not acknowledged',
    })),
  };
}
