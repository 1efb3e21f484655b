// Where the outbox's mail goes: SMTP (nodemailer), or in development without SMTP the log (no personal data).
export {
  createLogTransport,
  createSmtpTransport,
  isPermanentMailError,
  mailErrorCode,
  recipientDomain,
  type MailTransport,
  type SmtpSettings,
} from './mail-transport';
