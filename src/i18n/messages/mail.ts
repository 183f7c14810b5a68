/** Strings of the outbox pages: mail that could not be delivered (/admin/mail). */
export const mail = {
  en: {
    'mail.admin.title': 'Mail that could not be delivered',
    'mail.admin.intro': 'Messages whose last retry failed. Bodies are not shown: they may hold one-time links.',
    'mail.admin.waiting': 'Messages waiting to be sent or retried: {count}',
    'mail.admin.none': 'No undelivered mail.',
    'mail.admin.failedAt': 'Failed',
    'mail.admin.to': 'Recipient',
    'mail.admin.subject': 'Subject',
    'mail.admin.kind': 'Kind',
    'mail.admin.attempts': 'Attempts',
    'mail.admin.lastError': 'Last error',
    'mail.admin.help':
      'Fix the mail server (see the log line "mail attempt failed"), then ask the person to request the mail again: confirmation and reset links expire, so old messages are not re-sent.',
    'mail.category.account': 'Account',
    'mail.category.cohort-invitation': 'Cohort invitation',
    'mail.category.cohort-reminder': 'Cohort reminder',
    'mail.category.cohort-added': 'Added to a cohort',
  },
  'zh-CN': {
    'mail.admin.title': '未能送达的邮件',
    'mail.admin.intro': '最后一次重试仍失败的邮件。邮件正文不予显示：其中可能含有一次性链接。',
    'mail.admin.waiting': '等待发送或重试的邮件：{count} 封',
    'mail.admin.none': '没有未送达的邮件。',
    'mail.admin.failedAt': '失败时间',
    'mail.admin.to': '收件人',
    'mail.admin.subject': '主题',
    'mail.admin.kind': '类别',
    'mail.admin.attempts': '尝试次数',
    'mail.admin.lastError': '最后错误',
    'mail.admin.help':
      '请先修复邮件服务器（参见日志中的 "mail attempt failed"），然后请收件人重新申请该邮件：确认和重置链接会过期，因此不会重发旧邮件。',
    'mail.category.account': '账户',
    'mail.category.cohort-invitation': '学习小组邀请',
    'mail.category.cohort-reminder': '学习小组提醒',
    'mail.category.cohort-added': '已加入学习小组',
  },
};
