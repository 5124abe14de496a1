export { Status, StatusError, statusName, check } from './status.js';
export { Handle, ObjType } from './handle.js';
