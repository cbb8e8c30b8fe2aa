export {
  type DiagnosisVerdict,
  OPS_EVENT_SOURCES,
  type OpsEvent,
  OpsEventBus,
  type OpsEventSource,
  SUSPECT_COMPONENTS,
  type Suspect,
  type SuspectComponent,
} from './ops-events.js';
