export { runDoctor } from './run-doctor';
export { doctorOptionsFromEnv } from './doctor-env';
export type { DoctorOptions } from './run-doctor';
export { formatDoctorTable } from './doctor-report';
export type { DoctorReport, DoctorRow, DoctorStatus } from './doctor-report';
export { DOCTOR_PROBE_CODE } from './wechat-probe';
