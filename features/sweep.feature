@bayeux-sweep
Feature: A CometD session that stops polling is swept
  A session that goes longer than maxInterval without a connect, counted
  from the end of its last poll, is swept: its clientId is unknown from
  then on, and a message with it is told to handshake again
  (docs/bayeux.md C7, C8). The scenario waits the maxInterval the
  handshake advises, else the target file's modes.maxInterval, else the
  rule's 10 s, half as long again and one second more: it is tagged @slow
  ("not @slow" leaves it out). Its last connect asks to be answered at
  once (advice.timeout 0), so that a session wrongly kept is reported at
  once rather than held for a long poll.

  @C8 @C7 @slow
  Scenario: A session idle for longer than maxInterval is swept and told to handshake again
    When alice sends POST /api/v2/notifications/handshake with:
      """
      [{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"], "id": "1"}]
      """
    Then the response matches:
      """
      [{"channel": "/meta/handshake", "id": "1", "successful": true, "clientId": "{{capture:cid}}"}]
      """
    And the maxInterval the handshake advises is saved as maxInterval
    When alice sends POST /api/v2/notifications/connect with:
      """
      [{"channel": "/meta/connect", "clientId": "{{cid}}", "connectionType": "long-polling", "id": "2"}]
      """
    Then the response matches:
      """
      [{"channel": "/meta/connect", "id": "2", "successful": true}]
      """
    When alice sends POST /api/v2/notifications with:
      """
      [{"channel": "/meta/subscribe", "clientId": "{{cid}}", "subscription": "/v2/me/channels", "id": "3"}]
      """
    Then the response matches:
      """
      [{"channel": "/meta/subscribe", "id": "3", "successful": true}]
      """
    When no connect comes for longer than {{maxInterval}} ms
    And alice sends POST /api/v2/notifications/connect with:
      """
      [{"channel": "/meta/connect", "clientId": "{{cid}}", "connectionType": "long-polling", "id": "4", "advice": {"timeout": 0}}]
      """
    Then the response status is 200
    And the response matches:
      """
      [{"channel": "/meta/connect", "id": "4", "successful": false, "error": "402::session_unknown", "advice": {"reconnect": "handshake"}}]
      """
    When alice sends POST /api/v2/notifications with:
      """
      [{"channel": "/meta/subscribe", "clientId": "{{cid}}", "subscription": "/v2/me/interactions", "id": "5"}]
      """
    Then the response matches:
      """
      [{"channel": "/meta/subscribe", "id": "5", "successful": false, "error": "402::session_unknown", "advice": {"reconnect": "handshake"}}]
      """
