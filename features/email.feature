@email
Feature: Email replies
  The owner of an inbound email answers it with Reply, ReplyAll or Forward
  (to an address): each creates a NEW outbound email interaction (channel
  email, interactionType Outbound, interactionSubType OutboundReply or
  OutboundNew, parentId the inbound's id) owned by the caller in state
  Composing, with capabilities UpdateProperties, CancelReply and Send, and
  an email_object prefilled from the inbound (to, from, subject with "Re: "
  or "Fwd: ", the body quoted). The caller is told with a StatusChange that
  carries the request's referenceId; the inbound stays Processing. PUT
  /interactions/{id} edits the outbound; Send sends it (Completed), and
  CancelReply (or Cancel) discards it (Canceled).

  Background:
    Given alice and bob are listening
    And an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward

  Scenario: Reply creates an outbound email, prefilled, that the agent composes
    When alice replies to it
    Then alice's last notification matches:
      """
      {"ownerId": "{{alice.id}}", "participants": [{"userId": "{{alice.id}}", "role": "Owner"}]}
      """
    And no one else is notified
    And alice sees the reply as Composing with capability set UpdateProperties, CancelReply and Send
    When alice sends GET /api/v2/interactions/{{reply}}
    Then the response matches:
      """
      {
        "statusCode": 0,
        "interaction": {
          "id": "{{reply}}",
          "uri": "{{reply.uri}}",
          "channel": "email",
          "interactionType": "Outbound",
          "interactionSubType": "OutboundReply",
          "parentId": "{{it}}",
          "state": "Composing",
          "receivedDate": "{{string}}",
          "email_object": {
            "to": "jane.doe@example.com",
            "from": "support@example.com",
            "subject": "Re: Order 1042 arrived damaged",
            "body": "{{regex:On .+, jane\\.doe@example\\.com wrote:\\n> The box was crushed\\.}}"
          }
        }
      }
      """
    And alice sees it as Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward
    And alice has 2 interactions

  Scenario: ReplyAll keeps the copies and adds no second "Re: "
    Given an interaction arrives with:
      """
      {
        "channel": "email",
        "agent": "{{alice.userName}}",
        "email_object": {
          "subject": "Re: Order 1042",
          "from": "jane.doe@example.com",
          "to": "support@example.com",
          "cc": ["ops@example.com"],
          "body": "Line one\nLine two"
        }
      }
      """
    And alice is notified that it is Invited
    And alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward
    And alice replies to all
    When alice sends GET /api/v2/interactions/{{reply}}
    Then the response matches:
      """
      {
        "interaction": {
          "interactionSubType": "OutboundReply",
          "parentId": "{{it}}",
          "email_object": {
            "to": "jane.doe@example.com",
            "cc": ["ops@example.com"],
            "subject": "Re: Order 1042",
            "body": "{{regex:wrote:\\n> Line one\\n> Line two}}"
          }
        }
      }
      """
    And no one else is notified

  Scenario: Forward creates an outbound email to the given address
    When alice forwards it to "claims@example.com"
    Then no one else is notified
    When alice sends GET /api/v2/interactions/{{reply}}
    Then the response matches:
      """
      {
        "interaction": {
          "interactionType": "Outbound",
          "interactionSubType": "OutboundNew",
          "parentId": "{{it}}",
          "state": "Composing",
          "email_object": {
            "to": "claims@example.com",
            "subject": "Fwd: Order 1042 arrived damaged",
            "body": "{{regex:---------- Forwarded message ----------(?s:.*)The box was crushed\\.}}"
          }
        }
      }
      """

  Scenario: Forward to several addresses
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "Forward", "to": ["claims@example.com", "legal@example.com"]}
      """
    Then alice's request succeeds
    And alice receives on /v2/me/interactions:
      """
      {"notificationType": "StatusChange", "id": "{{capture:reply}}", "parentId": "{{it}}", "state": "Composing", "interactionSubType": "OutboundNew"}
      """
    And alice's notification carries the referenceId of her last request
    And no one else is notified
    When alice sends GET /api/v2/interactions/{{reply}}
    Then the response matches:
      """
      {"interaction": {"email_object": {"to": ["claims@example.com", "legal@example.com"]}}}
      """

  Scenario: The agent edits the reply before sending it
    Given alice replies to it
    When alice sends PUT /api/v2/interactions/{{reply}} with:
      """
      {"email_object": {"subject": "Re: Order 1042", "body": "A new parcel is on its way.", "cc": ["ops@example.com"]}}
      """
    Then alice's request succeeds
    And alice receives on /v2/me/interactions:
      """
      {
        "notificationType": "ChannelDataUpdated",
        "id": "{{reply}}",
        "email_object": {"to": "jane.doe@example.com", "subject": "Re: Order 1042", "body": "A new parcel is on its way.", "cc": ["ops@example.com"]}
      }
      """
    And alice's notification carries the referenceId of her last request
    And no one else is notified
    And alice sees the reply as Composing with capability set UpdateProperties, CancelReply and Send

  @mock
  Scenario: Send completes the reply and puts it in the outbox
    Given alice replies to it
    When alice sends the reply
    Then alice is notified that the reply is Completed
    And alice's notification carries the referenceId of her last request
    And no one else is notified
    And the outbox holds an email to "jane.doe@example.com"
    And the response matches:
      """
      {
        "emails": [
          {
            "id": "{{reply}}",
            "parentId": "{{it}}",
            "from": "support@example.com",
            "subject": "Re: Order 1042 arrived damaged",
            "body": "{{regex:> The box was crushed\\.}}",
            "sentDate": "{{string}}",
            "agentId": "{{alice.id}}"
          }
        ]
      }
      """
    And alice has 1 interaction
    And alice sees it as Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward

  Scenario: A reply without a recipient is not sent
    Given alice replies to it
    And alice sends PUT /api/v2/interactions/{{reply}} with:
      """
      {"email_object": {"to": []}}
      """
    And alice's request succeeds
    And alice receives on /v2/me/interactions:
      """
      {"notificationType": "ChannelDataUpdated", "id": "{{reply}}", "email_object": {"to": []}}
      """
    When alice tries to send the reply
    Then the request is refused with status 400, naming "to"
    And alice sees the reply as Composing with capability set UpdateProperties, CancelReply and Send

  Scenario Outline: The agent discards the reply (<operation>)
    Given alice replies to it
    When alice sends POST /api/v2/me/interactions/{{reply}} with:
      """
      {"operationName": "<operation>"}
      """
    Then alice's request succeeds
    And alice is notified that the reply is Canceled
    And alice's notification carries the referenceId of her last request
    And no one else is notified
    And alice has 1 interaction

    Examples:
      | operation   |
      | CancelReply |
      | Cancel      |

  @mock
  Scenario: A discarded reply never reaches the outbox
    Given alice replies to it
    When alice cancels the reply
    Then alice is notified that the reply is Canceled
    And the outbox is empty

  Scenario: An outbound email cannot be replied to
    Given alice replies to it
    And the variable it is "{{reply}}"
    When alice tries to reply to it
    Then the request is refused with status 400
    And no one else is notified

  Scenario: Forward needs an address
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "Forward"}
      """
    Then the request is refused with status 400, naming "to"
    And no one else is notified
    And alice has 1 interaction

  Scenario: Only the owner replies, sends or discards
    Given alice replies to it
    When bob tries to reply to it
    Then the request is refused with status 403
    When bob tries to forward it to "bob@example.com"
    Then the request is refused with status 403
    When bob tries to send the reply
    Then the request is refused with status 403
    When bob tries to cancel the reply
    Then the request is refused with status 403
    And no one else is notified
    And alice sees the reply as Composing with capability set UpdateProperties, CancelReply and Send

  Scenario Outline: Send and CancelReply apply only to an outbound email (<operation>)
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "<operation>"}
      """
    Then the request is refused with status 400
    And no one else is notified
    And alice sees it as Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward

    Examples:
      | operation   |
      | Send        |
      | CancelReply |

  Scenario: A chat cannot be replied to
    Given a chat is routed to bob
    And bob accepts it
    And bob is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And bob receives the chat history with 3 events
    When bob tries to reply to all
    Then the request is refused with status 400
    And no one else is notified
