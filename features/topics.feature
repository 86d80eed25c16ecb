@notifications
Feature: Topics with and without /v2
  The published notification pages name the topics /me/interactions and
  /me/channels. A session subscribed under those names (or /me/*, /me/**)
  receives the same messages, delivered on the name it subscribed under.
  Each session still gets each message once: on the /v2 channel when one
  of its subscriptions matches it, else on the alias.

  @B6.4
  Scenario: A session subscribed to /me/interactions receives the interaction messages there
    Given carol is listening on /me/interactions
    When an interaction arrives with:
      """
      {"channel": "email", "agent": "{{carol.userName}}", "email_object": {"subject": "Hello", "from": "jane.doe@example.com"}}
      """
    Then carol receives on /me/interactions:
      """
      {"messageTypeName": "InteractionStateMessage", "notificationType": "StatusChange", "id": "{{it}}", "state": "Invited", "email_object": {"interactionId": "{{it}}"}}
      """
    When carol accepts it
    Then carol receives on /me/interactions:
      """
      {"notificationType": "StatusChange", "id": "{{it}}", "state": "Processing", "referenceId": "{{carol.referenceId}}"}
      """
    And no one else is notified

  @B6.4
  Scenario: A session subscribed to /me/channels receives the readiness messages there
    Given carol is Ready on email and chat
    And carol is listening on /me/channels
    When carol becomes NotReady on chat
    Then carol receives on /me/channels:
      """
      {"messageTypeName": "ChannelStateMessage", "channel": "chat", "state": "NotReady", "referenceId": "{{carol.referenceId}}"}
      """
    And no one else is notified

  @B6.4 @C9
  Scenario Outline: A session gets each message once, whatever names it subscribed under (<channels>)
    Given carol is Ready on email and chat
    And carol is listening on <channels>
    When carol becomes NotReady on email
    Then carol receives on <delivered>:
      """
      {"messageTypeName": "ChannelStateMessage", "channel": "email", "state": "NotReady"}
      """
    And no one else is notified

    Examples:
      | channels                          | delivered        |
      | /v2/me/channels and /me/channels  | /v2/me/channels  |
      | /me/channels and /v2/me/channels  | /v2/me/channels  |
      | /me/*                             | /me/channels     |
      | /me/**                            | /me/channels     |
      | /me/** and /v2/me/*               | /v2/me/channels  |
      | /**                               | /v2/me/channels  |

  @B6.6 @C10
  Scenario: Clients may not publish to the topics without /v2 either
    Given alice is listening on /me/interactions and /me/channels
    Then alice cannot publish to /me/interactions
    And alice cannot publish to /me/channels
    And alice receives no notification
