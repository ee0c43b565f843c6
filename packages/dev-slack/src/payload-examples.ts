// Slack's documented request payloads, as real examples: the defaults the payload builders start
// from. test/fixtures/slack/*.json hold the same payloads; a test keeps the two identical.

/** Slash command fields (application/x-www-form-urlencoded). */
export const SLASH_COMMAND_EXAMPLE = {
  token: "gIkuvaNzQIHg97ATvDxqgjtO",
  team_id: "T0RDEV0001",
  team_domain: "rdev",
  channel_id: "C0RDEVOPS1",
  channel_name: "rdev-ops",
  user_id: "U0DEVANNA1",
  user_name: "anna",
  command: "/rdev",
  text: "diagnose",
  api_app_id: "A0RDEVAPP1",
  is_enterprise_install: "false",
  response_url: "https://hooks.slack.com/commands/T0RDEV0001/8177834510913/Gvz9lFVBwn9xo8TweP2vJHsP",
  trigger_id: "8177834510913.6123456789012.3a8f2a5f0e3c4b1d9a7e6f5c4b3a2d1e",
};

/** block_actions: "Approve" clicked on a proposal in an incident thread. */
export const BLOCK_ACTIONS_EXAMPLE = {
  type: "block_actions",
  user: {
    id: "U0LEAD0001",
    username: "lead",
    name: "lead",
    team_id: "T0RDEV0001",
  },
  api_app_id: "A0RDEVAPP1",
  token: "gIkuvaNzQIHg97ATvDxqgjtO",
  container: {
    type: "message",
    message_ts: "1764125463.000200",
    channel_id: "C0RDEVOPS1",
    is_ephemeral: false,
    thread_ts: "1764125463.000100",
  },
  trigger_id: "8177839912345.6123456789012.9bc163894734c1f415a2c504e81dec91",
  team: {
    id: "T0RDEV0001",
    domain: "rdev",
  },
  enterprise: null,
  is_enterprise_install: false,
  channel: {
    id: "C0RDEVOPS1",
    name: "rdev-ops",
  },
  message: {
    user: "U0RDEVBOT1",
    type: "message",
    ts: "1764125463.000200",
    bot_id: "B0RDEVBOT1",
    app_id: "A0RDEVAPP1",
    text: "Proposed: restart pod rdev-api-7d9f8b6c5d-x2k4q",
    team: "T0RDEV0001",
    thread_ts: "1764125463.000100",
    parent_user_id: "U0RDEVBOT1",
    blocks: [
      {
        type: "section",
        block_id: "proposal",
        text: {
          type: "mrkdwn",
          text: "*Proposed:* restart pod `rdev-api-7d9f8b6c5d-x2k4q` (memory at 96% of its limit)",
          verbatim: false,
        },
      },
      {
        type: "actions",
        block_id: "proposal-actions",
        elements: [
          {
            type: "button",
            action_id: "approve",
            text: {
              type: "plain_text",
              text: "Approve",
              emoji: true,
            },
            style: "primary",
            value: "0d4f8a4e-5a4e-4a55-9b7c-2f0b5c1e9d11",
          },
          {
            type: "button",
            action_id: "dismiss",
            text: {
              type: "plain_text",
              text: "Dismiss",
              emoji: true,
            },
            value: "0d4f8a4e-5a4e-4a55-9b7c-2f0b5c1e9d11",
          },
        ],
      },
    ],
  },
  state: {
    values: {},
  },
  response_url: "https://hooks.slack.com/actions/T0RDEV0001/8177839912345/XpJ7hU8oQ1b2e3f4g5h6i7j8",
  actions: [
    {
      action_id: "approve",
      block_id: "proposal-actions",
      text: {
        type: "plain_text",
        text: "Approve",
        emoji: true,
      },
      value: "0d4f8a4e-5a4e-4a55-9b7c-2f0b5c1e9d11",
      style: "primary",
      type: "button",
      action_ts: "1764125490.412843",
    },
  ],
};

/** view_submission of the "Raise memory limit" modal. */
export const VIEW_SUBMISSION_EXAMPLE = {
  type: "view_submission",
  team: {
    id: "T0RDEV0001",
    domain: "rdev",
  },
  user: {
    id: "U0DEVANNA1",
    username: "anna",
    name: "anna",
    team_id: "T0RDEV0001",
  },
  api_app_id: "A0RDEVAPP1",
  token: "gIkuvaNzQIHg97ATvDxqgjtO",
  trigger_id: "8177841234567.6123456789012.5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a",
  view: {
    id: "V0RDEVMOD1",
    team_id: "T0RDEV0001",
    type: "modal",
    blocks: [
      {
        type: "input",
        block_id: "memory-limit",
        label: {
          type: "plain_text",
          text: "New memory limit",
          emoji: true,
        },
        element: {
          type: "plain_text_input",
          action_id: "value",
          initial_value: "1Gi",
        },
      },
    ],
    private_metadata: '{"incidentId":"5b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}',
    callback_id: "raise-memory-limit",
    state: {
      values: {
        "memory-limit": {
          value: {
            type: "plain_text_input",
            value: "1Gi",
          },
        },
      },
    },
    hash: "1764125501.Gx7Kq2Lm",
    title: {
      type: "plain_text",
      text: "Raise memory limit",
      emoji: true,
    },
    clear_on_close: false,
    notify_on_close: false,
    close: {
      type: "plain_text",
      text: "Cancel",
      emoji: true,
    },
    submit: {
      type: "plain_text",
      text: "Propose",
      emoji: true,
    },
    previous_view_id: null,
    root_view_id: "V0RDEVMOD1",
    app_id: "A0RDEVAPP1",
    external_id: "",
    app_installed_team_id: "T0RDEV0001",
    bot_id: "B0RDEVBOT1",
  },
  response_urls: [],
  is_enterprise_install: false,
  enterprise: null,
};

/** event_callback with a message event: a thread reply. */
export const MESSAGE_EVENT_EXAMPLE = {
  token: "gIkuvaNzQIHg97ATvDxqgjtO",
  team_id: "T0RDEV0001",
  context_team_id: "T0RDEV0001",
  context_enterprise_id: null,
  api_app_id: "A0RDEVAPP1",
  event: {
    type: "message",
    user: "U0DEVANNA1",
    text: "is this the SSE leak again?",
    ts: "1764125520.000300",
    team: "T0RDEV0001",
    thread_ts: "1764125463.000100",
    parent_user_id: "U0RDEVBOT1",
    client_msg_id: "4f1d2c3b-5a6e-4f70-8b9c-0d1e2f3a4b5c",
    blocks: [
      {
        type: "rich_text",
        block_id: "Xq1",
        elements: [
          {
            type: "rich_text_section",
            elements: [
              {
                type: "text",
                text: "is this the SSE leak again?",
              },
            ],
          },
        ],
      },
    ],
    channel: "C0RDEVOPS1",
    event_ts: "1764125520.000300",
    channel_type: "channel",
  },
  type: "event_callback",
  event_id: "Ev0RDEV00001",
  event_time: 1764125520,
  authorizations: [
    {
      enterprise_id: null,
      team_id: "T0RDEV0001",
      user_id: "U0RDEVBOT1",
      is_bot: true,
      is_enterprise_install: false,
    },
  ],
  is_ext_shared_channel: false,
  event_context:
    "4-eyJldCI6Im1lc3NhZ2UiLCJ0aWQiOiJUMFJERVYwMDAxIiwiYWlkIjoiQTBSREVWQVBQMSIsImNpZCI6IkMwUkRFVk9QUzEifQ",
};

/** event_callback with app_home_opened. */
export const APP_HOME_OPENED_EXAMPLE = {
  token: "gIkuvaNzQIHg97ATvDxqgjtO",
  team_id: "T0RDEV0001",
  context_team_id: "T0RDEV0001",
  context_enterprise_id: null,
  api_app_id: "A0RDEVAPP1",
  event: {
    type: "app_home_opened",
    user: "U0DEVANNA1",
    channel: "D0RDEVDM01",
    tab: "home",
    event_ts: "1764125600.412843",
  },
  type: "event_callback",
  event_id: "Ev0RDEV00002",
  event_time: 1764125600,
  authorizations: [
    {
      enterprise_id: null,
      team_id: "T0RDEV0001",
      user_id: "U0RDEVBOT1",
      is_bot: true,
      is_enterprise_install: false,
    },
  ],
  is_ext_shared_channel: false,
  event_context: "4-eyJldCI6ImFwcF9ob21lX29wZW5lZCIsInRpZCI6IlQwUkRFVjAwMDEiLCJhaWQiOiJBMFJERVZBUFAxIn0",
};

/** The url_verification handshake. */
export const URL_VERIFICATION_EXAMPLE = {
  token: "gIkuvaNzQIHg97ATvDxqgjtO",
  challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
  type: "url_verification",
};
